@echo off
rem Double-click wrapper: installs the build next to this folder and adds the Startup shortcut.
powershell.exe -NoProfile -ExecutionPolicy Bypass -File "%~dp0install-autostart.ps1" %*
