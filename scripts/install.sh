#!/usr/bin/env bash
# Install one role of Antrean MPP on this PC, with its systemd units (docs/deployment.md).
#
#   sudo scripts/install.sh hub --config mpp.toml
#   sudo scripts/install.sh kiosk --settings kiosk-1.toml --user anjungan
#   (roles: hub kiosk counter hall supervisor survey)
#
# hub:  the project in PREFIX (/opt/antrean) with its own .venv; a system user `antrean`;
#       the mall file in /etc/antrean/mpp.toml (root:antrean 0640); the event log and the
#       hub's certificate in /var/lib/antrean; antrean-hub.service (restart always,
#       `systemctl reload antrean-hub` takes rotated tokens), a nightly backup timer and,
#       when the mall file has [notifications], the sender antrean-notify.service.
# apps: the project in PREFIX; the device's settings file in /etc/antrean/device.toml
#       (owned by the session user, 0600); a user service antrean-ROLE.service started
#       with that user's graphical session (auto-login), full screen, restarted on crash;
#       a kiosk also gets the udev rule for USB ticket printers (its user in group lp).
#
# Safe to run again (an upgrade: the same command). --root DIR writes every file under
# DIR instead of / and touches nothing else (no packages, users or systemctl): what the
# tests use, and a way to see what an install would write.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

usage() {
    sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
    cat <<EOF

usage: scripts/install.sh ROLE [options]
  --config FILE     hub: the mall file to install (required the first time)
  --settings FILE   apps: this device's settings file (python -m hub device settings)
  --user NAME       apps: the session user the app runs as (default: \$SUDO_USER)
  --prefix DIR      where the project goes (default /opt/antrean)
  --port N          hub: port to listen on (default 8765)
  --keep-days N     hub: nightly backups kept (default 14)
  --no-start        write everything but do not enable or start the units
  --root DIR        write under DIR only (no apt-get, useradd, chown or systemctl)
  --no-venv         with --root: do not create the virtual environment
EOF
}

role=${1:-}
case $role in
    hub|kiosk|counter|hall|supervisor|survey) shift ;;
    -h|--help) usage; exit 0 ;;
    "") usage >&2; exit 2 ;;
    *) echo "install: unknown role '$role' (hub, kiosk, counter, hall, supervisor or survey)" >&2
       exit 2 ;;
esac

config="" settings="" user=${SUDO_USER:-} prefix=/opt/antrean port=8765 keep=14
start=1 root="" venv=1
while (($#)); do
    case $1 in
        --config) config=$2; shift 2 ;;
        --settings) settings=$2; shift 2 ;;
        --user) user=$2; shift 2 ;;
        --prefix) prefix=$2; shift 2 ;;
        --port) port=$2; shift 2 ;;
        --keep-days) keep=$2; shift 2 ;;
        --no-start) start=0; shift ;;
        --root) root=$(realpath -m "$2"); start=0; shift 2 ;;
        --no-venv) venv=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "install: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[[ -z $root && $venv == 0 ]] && { echo "install: --no-venv needs --root" >&2; exit 2; }
if [[ -z $root && $(id -u) != 0 ]]; then
    echo "install: run as root (sudo scripts/install.sh $role …), or --root DIR to try it" >&2
    exit 1
fi
say() { echo "install: $*"; }
run() { if [[ -z $root ]]; then "$@"; fi; }   # machine-wide steps: skipped under --root

# ------------------------------------------------------------ checks before any change
if [[ $role == hub ]]; then
    if [[ -z $config && ! -f $root/etc/antrean/mpp.toml ]]; then
        echo "install: hub: give --config MALL.toml the first time (none in /etc/antrean)" >&2
        exit 1
    fi
else
    if [[ -z $settings && ! -f $root/etc/antrean/device.toml ]]; then
        echo "install: $role: give --settings FILE (written by python -m hub device settings" \
             "on the hub) the first time" >&2
        exit 1
    fi
    if [[ -n $settings ]] && ! grep -q "role = \"${role/hall/display}\"" "$settings"; then
        echo "install: $settings is not the settings file of a $role device" >&2
        exit 1
    fi
    if [[ -z $user ]]; then
        echo "install: $role: give --user NAME, the user whose session shows the app" >&2
        exit 1
    fi
    if [[ -z $root ]] && ! id "$user" >/dev/null 2>&1; then
        echo "install: no user '$user' on this PC (adduser $user first)" >&2
        exit 1
    fi
fi

# ------------------------------------------------------------ packages and the project
packages=(python3-venv)
case $role in
    hub) ;;
    hall) packages+=(espeak-ng sox libpulse0) ;;&
    kiosk) packages+=(libusb-1.0-0) ;;&
    kiosk|counter|hall|supervisor|survey)
        packages+=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1
                   libdbus-1-3 libglib2.0-0 libxcb-cursor0 fonts-dejavu-core) ;;
esac
if [[ -z $root ]]; then
    say "Debian packages: ${packages[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${packages[@]}" >/dev/null
fi

target=$root$prefix
if [[ $(realpath -m "$prefix") == "$here" ]]; then
    target=$here  # installing from where it is (an upgrade in place, or the tests)
else
    say "project → $target"
    mkdir -p "$target"
    tar -C "$here" --exclude=.venv --exclude=.git --exclude='var' --exclude='__pycache__' \
        -cf - . | tar -C "$target" -xf -
fi
if [[ $venv == 1 ]]; then
    [[ -x $target/.venv/bin/python ]] || "${PYTHON:-python3}" -m venv "$target/.venv"
    say "Python packages → $target/.venv"
    "$target/.venv/bin/pip" install -q --disable-pip-version-check "$target"
fi

py=$target/.venv/bin/python
[[ $venv == 0 ]] && py=${PYTHON:-$here/.venv/bin/python}
units() {  # ROLE OUT [hub.install options…]: render the role's units with the install's paths
    "$py" -m hub.install units "$1" --out "$2" --prefix "$prefix" "${@:3}" >/dev/null
}

# ------------------------------------------------------------ the hub
if [[ $role == hub ]]; then
    if [[ -n $config ]] && ! (cd "$target" && "$py" -m hub check --config "$(realpath "$config")" \
                              >/dev/null); then
        echo "install: $config has problems (python -m hub check --config $config); the" \
             "mall file and the units were not installed" >&2
        exit 1
    fi
    run id antrean >/dev/null 2>&1 || run useradd --system --home-dir /var/lib/antrean \
        --shell /usr/sbin/nologin --user-group antrean
    install -d -m 0755 "$root/etc/antrean"
    install -d -m 0750 "$root/var/lib/antrean" "$root/var/lib/antrean/backups"
    run chown -R antrean:antrean /var/lib/antrean
    if [[ -n $config ]]; then
        install -m 0640 "$config" "$root/etc/antrean/mpp.toml"
        run chgrp antrean /etc/antrean/mpp.toml
    fi
    units hub "$root/etc/systemd/system" --port "$port" --keep-days "$keep"
    say "units → $root/etc/systemd/system: antrean-hub.service, antrean-backup.{service,timer}," \
        "antrean-notify.service"
    if ((start)); then
        systemctl daemon-reload
        systemctl enable --now antrean-hub.service antrean-backup.timer
        # The sender only where the mall file says where to send (docs/notifications.md).
        if grep -q '^\[notifications\]' /etc/antrean/mpp.toml; then
            systemctl enable --now antrean-notify.service
        fi
        systemctl reload-or-restart antrean-hub.service
        say "hub started; its certificate fingerprint (for device settings files):"
        for _ in $(seq 30); do
            line=$(journalctl -u antrean-hub -o cat -n 200 | grep -m1 "fingerprint" || true)
            [[ -n $line ]] && break
            sleep 1
        done
        echo "  ${line:-(not yet: journalctl -u antrean-hub | grep fingerprint)}"
    fi
    exit 0
fi

# ------------------------------------------------------------ a device PC
install -d -m 0755 "$root/etc/antrean"
if [[ -n $settings ]]; then
    install -m 0600 "$settings" "$root/etc/antrean/device.toml"
    run chown "$user" /etc/antrean/device.toml
fi
if [[ $role == kiosk ]]; then  # USB ticket printers, usable by the kiosk's user
    install -d "$root/etc/udev/rules.d"
    "$py" -m ticket_printer udev-rule > "$root/etc/udev/rules.d/60-antrean-printer.rules"
    run usermod -aG lp "$user"
    run udevadm control --reload || true
    run udevadm trigger --subsystem-match=usb || true
    say "udev rule → $root/etc/udev/rules.d/60-antrean-printer.rules ($user in group lp)"
fi
home=$root$(getent passwd "$user" | cut -d: -f6 || true)
[[ $home == "$root" ]] && home=$root/home/$user
user_units=$home/.config/systemd/user
units "$role" "$user_units" --settings /etc/antrean/device.toml
service=antrean-$role.service
# What `systemctl --user enable` does, without needing the user's session to be running.
install -d "$user_units/graphical-session.target.wants" "$home/.config/autostart"
ln -sf "../$service" "$user_units/graphical-session.target.wants/$service"
# Sessions that never reach graphical-session.target (LXDE, Openbox) start it from here.
cat > "$home/.config/autostart/antrean-$role.desktop" <<EOF
[Desktop Entry]
Type=Application
Name=Antrean MPP $role
Exec=systemctl --user start $service
X-GNOME-Autostart-enabled=true
EOF
run chown -R "$user:" "$home/.config"
say "user unit → $user_units/$service (starts with $user's graphical session)"
if ((start)) && loginctl show-user "$user" >/dev/null 2>&1; then
    systemctl --user -M "$user@" daemon-reload || true
    systemctl --user -M "$user@" restart "$service" || true
fi
say "done: log $user in (auto-login) and the $role starts full screen"
