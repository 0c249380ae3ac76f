#!/bin/sh
# Freezeframe's package: before its files go (deb prerm "remove", rpm %preun
# with 0 packages left), stop the service and its socket. Stopping the service
# thaws every filesystem it holds. Nothing happens on an upgrade: the running
# service goes on, and exits when idle.
case "$1" in
  remove | 0)
    if command -v systemctl >/dev/null 2>&1; then
      if [ -d /run/systemd/system ]; then
        systemctl disable --now freezeframe-helper.socket freezeframe-helper.service >/dev/null 2>&1 || true
      else
        systemctl disable freezeframe-helper.socket >/dev/null 2>&1 || true
      fi
    fi
    ;;
esac
exit 0
