# Kiosk start of the counter terminal on Windows (what the Startup shortcut runs, hidden).
# 1. COUNTER_* settings from %ProgramData%\CounterTerminal\env.txt (KEY=value lines), if any,
#    e.g. COUNTER_ENROLL_URL, COUNTER_ENROLL_CODE, COUNTER_PRINTER.
# 2. A silent first start: `counter-app provision` creates and enrolls the terminal when a code
#    is given and does nothing on later starts; a failure does not stop the window opening.
# 3. The window (counter-terminal.exe: the same program without a console).
$ErrorActionPreference = "Continue"
$here = Split-Path -Parent $MyInvocation.MyCommand.Path
$envFile = Join-Path $env:ProgramData "CounterTerminal\env.txt"
if (Test-Path $envFile) {
    foreach ($line in Get-Content -Encoding UTF8 $envFile) {
        if ($line -match '^\s*([A-Z_][A-Z0-9_]*)\s*=\s*(.*)$') {
            [Environment]::SetEnvironmentVariable($Matches[1], $Matches[2].Trim('"'), "Process")
        }
    }
}
& (Join-Path $here "counter-app.exe") provision | Out-Null
$window = Join-Path $here "counter-terminal.exe"
if ($args.Count -gt 0) {
    Start-Process -FilePath $window -ArgumentList $args
} else {
    Start-Process -FilePath $window  # an empty -ArgumentList is an error in PowerShell
}
