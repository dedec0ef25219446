# Install a frozen build for the kiosk account and start it at logon.
#   powershell -ExecutionPolicy Bypass -File packaging\windows\install-autostart.ps1 `
#       [-Dist dist\counter-app] [-Prefix "$env:ProgramFiles\CounterTerminal"] [-Registry]
# Default: a shortcut in the user's Startup folder. -Registry: an HKCU\...\Run entry instead
# (survives users tidying their Startup folder; group policy can push either).
param(
    [string]$Dist = (Join-Path $PSScriptRoot "..\..\dist\counter-app"),
    [string]$Prefix = (Join-Path $env:ProgramFiles "CounterTerminal"),
    [switch]$Registry
)
$ErrorActionPreference = "Stop"
if (-not (Test-Path (Join-Path $Dist "counter-app.exe"))) {
    throw "No build in $Dist (run packaging\windows\build-frozen.ps1)"
}
New-Item -ItemType Directory -Force -Path $Prefix | Out-Null
Copy-Item -Recurse -Force (Join-Path $Dist "*") $Prefix
Copy-Item -Force (Join-Path $PSScriptRoot "start-terminal.ps1") $Prefix
$start = Join-Path $Prefix "start-terminal.ps1"
$command = "powershell.exe"
$arguments = "-NoProfile -WindowStyle Hidden -ExecutionPolicy Bypass -File `"$start`""
if ($Registry) {
    $run = "HKCU:\Software\Microsoft\Windows\CurrentVersion\Run"
    Set-ItemProperty -Path $run -Name "CounterTerminal" -Value "$command $arguments"
    Write-Output "Installed in $Prefix; autostart: $run\CounterTerminal"
} else {
    $startup = [Environment]::GetFolderPath("Startup")
    $link = (New-Object -ComObject WScript.Shell).CreateShortcut((Join-Path $startup "Counter Terminal.lnk"))
    $link.TargetPath = $command
    $link.Arguments = $arguments
    $link.WorkingDirectory = $Prefix
    $link.WindowStyle = 7
    $link.Save()
    Write-Output "Installed in $Prefix; autostart: $startup\Counter Terminal.lnk"
}
