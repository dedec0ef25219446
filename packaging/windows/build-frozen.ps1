# Windows counterpart of scripts/build-frozen: dist\counter-app\ with counter-app.exe (console)
# and counter-terminal.exe (no console), then a smoke test (--version, doctor).
$ErrorActionPreference = "Stop"
$root = Resolve-Path (Join-Path $PSScriptRoot "..\..")
Set-Location $root
if (-not (Test-Path "build\venv\Scripts\python.exe")) { py -3.11 -m venv build\venv }
& build\venv\Scripts\python.exe -m pip install --quiet --upgrade pip
& build\venv\Scripts\python.exe -m pip install --quiet "pyinstaller>=6.3,<7" ".[terminal,printer]"
& build\venv\Scripts\pyinstaller.exe --noconfirm --clean --log-level WARN `
    --distpath dist --workpath build\pyinstaller packaging\counter-app.spec
if ($LASTEXITCODE -ne 0) { throw "pyinstaller failed" }
$exe = "dist\counter-app\counter-app.exe"
& $exe --version
$smoke = Join-Path $env:TEMP ("counter-smoke-" + [guid]::NewGuid())
$env:COUNTER_CONFIG = Join-Path $smoke "config.toml"
$env:COUNTER_LOG_DIR = Join-Path $smoke "logs"
& $exe --data-dir "$smoke\data" init --terminal-id 7QXM --hall smoke
& $exe --data-dir "$smoke\data" catalog import assets\catalog | Out-Null
& $exe --data-dir "$smoke\data" --lang en doctor
if ($LASTEXITCODE -ge 2) { throw "doctor reported a FAIL in the frozen build" }
Remove-Item -Recurse -Force $smoke
Write-Output "dist\counter-app is ready"
