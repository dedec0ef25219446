-- wrk script of bench/bench_track.py: the request paths (filled in by the benchmark), each
-- request from one of 8,192 loopback addresses in X-Forwarded-For (the server believes it
-- from 127.0.0.1, as behind the hall's reverse proxy), and a count of each status.
local paths = {
--PATHS--
}
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  base = tonumber(args[1]) or 1
  counter = 0
  statuses = {}
end

function request()
  counter = counter + 1
  local path = paths[(counter * 7 + id * 4099) % #paths + 1]
  local n = counter % 4096
  local address = "127." .. base .. "." .. (id * 16 + math.floor(n / 256)) .. "." .. (n % 256)
  return wrk.format("GET", path, { ["X-Forwarded-For"] = address })
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      io.write(string.format("STATUS %d %d\n", status, count))
    end
  end
end
