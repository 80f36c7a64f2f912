#!/usr/bin/env bash
# Install smarthall-kiosk on a Debian-based terminal (run as root).
#
#   packaging/install.sh [options]
#
# Options (each also settable through the environment variable in brackets):
#   --destdir DIR          install into DIR instead of / (a scratch root; implies --no-apt,
#                          --no-systemctl, --no-udev-reload, --no-cups)            [DESTDIR]
#   --terminal-id ID       this terminal's id in kiosk.toml                      [KIOSK_TERMINAL_ID]
#   --terminal-code CODE   2-4 letters/digits printed in tracking numbers      [KIOSK_TERMINAL_CODE]
#   --backoffice-url URL   the back office (https)                              [KIOSK_BACKOFFICE_URL]
#   --a4-uri URI           CUPS device URI of the A4 printer, e.g. ipp://10.0.0.5/ipp/print
#                                                                                  [KIOSK_A4_URI]
#   --creds MODE           master secret: auto | encrypted (systemd-creds) | plain  [KIOSK_CREDS]
#   --no-apt               do not install Debian packages
#   --no-users             do not create the kiosk user (and do not chown anything)
#   --no-venv              do not create the virtual environment
#   --no-systemctl         do not reload/enable units
#   --no-udev-reload       do not reload udev rules
#   --no-cups              do not create the CUPS queue
# Device IDs for the udev rules (lsusb): KIOSK_{IDCARD,SCANNER,PRINTER,CAMERA}_{VID,PID}.
#
# Re-running is safe: an existing kiosk.toml, master secret or credential is never replaced
# (a new master secret would make the keyring, and with it every queued submission, unreadable).
set -euo pipefail
umask 022

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(dirname "$HERE")

DESTDIR=${DESTDIR:-}
TERMINAL_ID=${KIOSK_TERMINAL_ID:-hall-terminal}
TERMINAL_CODE=${KIOSK_TERMINAL_CODE:-HL1}
BACKOFFICE_URL=${KIOSK_BACKOFFICE_URL:-https://backoffice.example.gov.cn}
A4_URI=${KIOSK_A4_URI:-}
CREDS=${KIOSK_CREDS:-auto}
DO_APT=1 DO_USERS=1 DO_VENV=1 DO_SYSTEMCTL=1 DO_UDEV=1 DO_CUPS=1

usage() { sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "install.sh: $*" >&2; exit 1; }
say() { echo "install.sh: $*"; }

while [ $# -gt 0 ]; do
    case "$1" in
        --destdir) DESTDIR=${2:?}; shift ;;
        --terminal-id) TERMINAL_ID=${2:?}; shift ;;
        --terminal-code) TERMINAL_CODE=${2:?}; shift ;;
        --backoffice-url) BACKOFFICE_URL=${2:?}; shift ;;
        --a4-uri) A4_URI=${2:?}; shift ;;
        --creds) CREDS=${2:?}; shift ;;
        --no-apt) DO_APT=0 ;;
        --no-users) DO_USERS=0 ;;
        --no-venv) DO_VENV=0 ;;
        --no-systemctl) DO_SYSTEMCTL=0 ;;
        --no-udev-reload) DO_UDEV=0 ;;
        --no-cups) DO_CUPS=0 ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
    shift
done

if [ -n "$DESTDIR" ]; then
    DESTDIR=$(mkdir -p "$DESTDIR" && cd "$DESTDIR" && pwd)
    DO_APT=0 DO_SYSTEMCTL=0 DO_UDEV=0 DO_CUPS=0
elif [ "$(id -u)" -ne 0 ]; then
    die "run as root (or give --destdir for a scratch root)"
fi
case "$CREDS" in auto|encrypted|plain) ;; *) die "--creds must be auto, encrypted or plain" ;; esac
[[ "$TERMINAL_ID" =~ ^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$ ]] || die "bad --terminal-id $TERMINAL_ID"
[[ "$TERMINAL_CODE" =~ ^[A-Z0-9]{2,4}$ ]] || die "bad --terminal-code $TERMINAL_CODE"
[[ "$BACKOFFICE_URL" =~ ^https?://[^[:space:]]+$ ]] || die "bad --backoffice-url $BACKOFFICE_URL"

KIOSK_USER=kiosk
PREFIX=/opt/smarthall-kiosk
ETC=/etc/smarthall-kiosk
DATA=/var/lib/smarthall-kiosk
LOGS=/var/log/smarthall-kiosk
UNITDIR=/etc/systemd/system
UNITS=(smarthall-kiosk.service smarthall-kiosk-sync.service
       smarthall-kiosk-maintenance.service smarthall-kiosk-maintenance.timer)
SERVICES=(smarthall-kiosk.service smarthall-kiosk-sync.service smarthall-kiosk-maintenance.service)
D=$DESTDIR

# placeholders for the udev rules: replace with the terminal's real IDs (lsusb)
IDCARD_VID=${KIOSK_IDCARD_VID:-10c4} IDCARD_PID=${KIOSK_IDCARD_PID:-ea60}
SCANNER_VID=${KIOSK_SCANNER_VID:-0c2e} SCANNER_PID=${KIOSK_SCANNER_PID:-0b61}
PRINTER_VID=${KIOSK_PRINTER_VID:-0416} PRINTER_PID=${KIOSK_PRINTER_PID:-5011}
CAMERA_VID=${KIOSK_CAMERA_VID:-0c45} CAMERA_PID=${KIOSK_CAMERA_PID:-6366}
for id in "$IDCARD_VID" "$IDCARD_PID" "$SCANNER_VID" "$SCANNER_PID" "$PRINTER_VID" "$PRINTER_PID" \
          "$CAMERA_VID" "$CAMERA_PID"; do
    [[ "$id" =~ ^[0-9a-f]{4}$ ]] || die "USB ids are 4 lower-case hex digits, got $id"
done

own() {  # own USER:GROUP PATH... (only when we manage users)
    local who=$1; shift
    [ "$DO_USERS" -eq 1 ] && chown "$who" "$@"
    return 0
}

dir() {  # dir MODE OWNER PATH
    install -d -m "$1" "$D$3"
    chmod "$1" "$D$3"
    own "$2" "$D$3"
}

put() {  # put MODE SOURCE DEST  (replaces DEST)
    install -D -m "$1" "$2" "$D$3"
}

render() {  # render TEMPLATE: substitute the @...@ placeholders to stdout
    sed -e "s|@TERMINAL_ID@|$TERMINAL_ID|g" -e "s|@TERMINAL_CODE@|$TERMINAL_CODE|g" \
        -e "s|@BACKOFFICE_URL@|$BACKOFFICE_URL|g" \
        -e "s|@IDCARD_VID@|$IDCARD_VID|g" -e "s|@IDCARD_PID@|$IDCARD_PID|g" \
        -e "s|@SCANNER_VID@|$SCANNER_VID|g" -e "s|@SCANNER_PID@|$SCANNER_PID|g" \
        -e "s|@PRINTER_VID@|$PRINTER_VID|g" -e "s|@PRINTER_PID@|$PRINTER_PID|g" \
        -e "s|@CAMERA_VID@|$CAMERA_VID|g" -e "s|@CAMERA_PID@|$CAMERA_PID|g" "$1"
}

# ---------------------------------------------------------------- Debian packages
if [ "$DO_APT" -eq 1 ]; then
    say "installing Debian packages"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        cage dbus python3-venv logrotate cups cups-client cups-bsd \
        fonts-wqy-zenhei libzbar0 libpulse0 libusb-1.0-0 libgl1 libegl1 libxkbcommon0 \
        libfontconfig1 libdbus-1-3 libglib2.0-0 libwayland-client0 libwayland-cursor0 \
        libwayland-egl1
fi

# ---------------------------------------------------------------- user
if [ "$DO_USERS" -eq 1 ]; then
    if ! getent passwd "$KIOSK_USER" >/dev/null; then
        say "creating system user $KIOSK_USER"
        useradd --system --user-group --home-dir "$DATA" --no-create-home \
                --shell /usr/sbin/nologin --comment "smarthall-kiosk" "$KIOSK_USER"
    fi
    for group in video input render lp; do
        getent group "$group" >/dev/null && usermod -a -G "$group" "$KIOSK_USER"
    done
fi

# ---------------------------------------------------------------- directories
dir 0755 root:root "$PREFIX"
dir 0755 root:root "$PREFIX/share"
dir 0750 "root:$KIOSK_USER" "$ETC"
dir 0700 "$KIOSK_USER:$KIOSK_USER" "$DATA"
dir 0750 "$KIOSK_USER:$KIOSK_USER" "$LOGS"

# ---------------------------------------------------------------- application
if [ "$DO_VENV" -eq 1 ]; then
    say "creating the virtual environment in $PREFIX/venv"
    python3 -m venv "$D$PREFIX/venv"
    "$D$PREFIX/venv/bin/python" -m pip install -q --upgrade pip
    "$D$PREFIX/venv/bin/python" -m pip install -q "$SRC"
fi
put 0644 "$HERE/TECHNICIANS.md" "$PREFIX/share/TECHNICIANS.md"

# ---------------------------------------------------------------- configuration
if [ -e "$D$ETC/kiosk.toml" ]; then
    say "keeping the existing $ETC/kiosk.toml"
else
    render "$HERE/config/kiosk.toml.in" > "$D$ETC/kiosk.toml"
fi
chmod 0640 "$D$ETC/kiosk.toml"
own "root:$KIOSK_USER" "$D$ETC/kiosk.toml"

# ---------------------------------------------------------------- master secret
# The keyring's master secret never sits in the data directory. Preferred: a systemd
# credential encrypted with systemd-creds (sealed to the TPM where the board has one, else to
# the host key); fallback: a root-only file that systemd hands to the services.
CRED_FILE=$ETC/kiosk-master.cred
KEY_FILE=$ETC/master.key
if [ -e "$D$CRED_FILE" ]; then
    MODE=encrypted
elif [ -e "$D$KEY_FILE" ]; then
    MODE=plain
else
    MODE=$CREDS
    if [ "$MODE" = auto ]; then
        if [ -z "$DESTDIR" ] && command -v systemd-creds >/dev/null 2>&1; then
            MODE=encrypted
        else
            MODE=plain
        fi
    fi
    if [ "$MODE" = encrypted ]; then
        command -v systemd-creds >/dev/null 2>&1 || die "--creds encrypted needs systemd-creds"
        say "creating the master secret as an encrypted systemd credential"
        (umask 077 && head -c 64 /dev/urandom \
            | systemd-creds encrypt --name=kiosk-master - "$D$CRED_FILE")
    else
        say "creating the master secret as a root-only file"
        (umask 077 && head -c 64 /dev/urandom > "$D$KEY_FILE")
    fi
fi
for f in "$D$CRED_FILE" "$D$KEY_FILE"; do
    if [ -e "$f" ]; then chmod 0600 "$f"; own root:root "$f"; fi
done
if [ "$MODE" = encrypted ]; then
    CRED_LINE="LoadCredentialEncrypted=kiosk-master:$CRED_FILE"
    CRED_PROP="LoadCredentialEncrypted=kiosk-master:$CRED_FILE"
else
    CRED_LINE="LoadCredential=kiosk-master:$KEY_FILE"
    CRED_PROP="LoadCredential=kiosk-master:$KEY_FILE"
fi

# ---------------------------------------------------------------- systemd units
for unit in "${UNITS[@]}"; do
    put 0644 "$HERE/systemd/$unit" "$UNITDIR/$unit"
done
for svc in "${SERVICES[@]}"; do
    install -d -m 0755 "$D$UNITDIR/$svc.d"
    printf '# written by install.sh: where the keyring master secret comes from\n[Service]\n%s\n' \
        "$CRED_LINE" > "$D$UNITDIR/$svc.d/credential.conf"
    chmod 0644 "$D$UNITDIR/$svc.d/credential.conf"
done

# technicians run CLI commands as the kiosk user with the same credential the services get
install -d -m 0755 "$D/usr/local/sbin"
cat > "$D/usr/local/sbin/kiosk-admin" <<EOF
#!/bin/sh
# kiosk-admin COMMAND...: run "kiosk COMMAND" as the kiosk user with the master secret
# credential (e.g. kiosk-admin diag --report /tmp/diag.pdf). Written by install.sh.
exec systemd-run --quiet --pty --wait --collect --service-type=exec \\
    --uid=$KIOSK_USER --gid=$KIOSK_USER -p "$CRED_PROP" \\
    --working-directory=$DATA \\
    $PREFIX/venv/bin/kiosk --config $ETC/kiosk.toml "\$@"
EOF
chmod 0755 "$D/usr/local/sbin/kiosk-admin"

# ---------------------------------------------------------------- PAM, udev, logrotate
put 0644 "$HERE/pam/smarthall-kiosk" /etc/pam.d/smarthall-kiosk
install -d -m 0755 "$D/etc/udev/rules.d"
render "$HERE/udev/70-smarthall-kiosk.rules.in" > "$D/etc/udev/rules.d/70-smarthall-kiosk.rules"
chmod 0644 "$D/etc/udev/rules.d/70-smarthall-kiosk.rules"
put 0644 "$HERE/logrotate/smarthall-kiosk" /etc/logrotate.d/smarthall-kiosk

if [ "$DO_UDEV" -eq 1 ] && command -v udevadm >/dev/null 2>&1; then
    if ! udevadm control --reload-rules || ! udevadm trigger --action=change; then
        say "udev rules installed but not reloaded (reboot or run udevadm control --reload-rules)"
    fi
fi

# ---------------------------------------------------------------- CUPS queue for the A4 printer
if [ "$DO_CUPS" -eq 1 ]; then
    if [ -n "$A4_URI" ]; then
        say "creating the CUPS queue kiosk-a4 -> $A4_URI"
        lpadmin -p kiosk-a4 -E -v "$A4_URI" -m everywhere \
                -o PageSize=A4 -o printer-error-policy=abort-job -o printer-is-shared=false \
                -D "smarthall-kiosk A4 printer"
        cupsenable kiosk-a4
        cupsaccept kiosk-a4
    else
        say "no --a4-uri: create the A4 queue later with"
        say "  lpadmin -p kiosk-a4 -E -v ipp://PRINTER/ipp/print -m everywhere -o PageSize=A4"
    fi
fi

# ---------------------------------------------------------------- enable
if [ "$DO_SYSTEMCTL" -eq 1 ]; then
    systemctl daemon-reload
    systemctl disable getty@tty1.service 2>/dev/null || true
    systemctl set-default graphical.target
    systemctl enable smarthall-kiosk.service smarthall-kiosk-sync.service \
                     smarthall-kiosk-maintenance.timer
    say "enabled; start with: systemctl start smarthall-kiosk smarthall-kiosk-sync"
fi
say "installed into ${DESTDIR:-/} (master secret: $MODE)"
