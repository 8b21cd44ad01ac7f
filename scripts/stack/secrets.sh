# shellcheck shell=bash
# secrets.sh - the run dir's secrets.env (JWT_SECRET, INTERNAL_TOKEN): created
# once per run dir, read by every service and by the tests.

readonly SECRETS_FILE="$RUN_DIR/secrets.env"
readonly SECRET_NAMES=(JWT_SECRET INTERNAL_TOKEN)

# 32 bytes from the kernel's CSPRNG as 64 lower-case hex characters.
random_hex() {
  local hex
  hex=$(od -An -v -N32 -tx1 /dev/urandom | tr -d ' \n')
  [[ "$hex" =~ ^[0-9a-f]{64}$ ]] || die "could not read 32 random bytes from /dev/urandom"
  echo "$hex"
}

# Creates $SECRETS_FILE once per run dir (call with the lock held). A value
# the caller exports at that moment is used as is; otherwise a random one.
ensure_secrets() {
  if [[ -s "$SECRETS_FILE" ]]; then
    warn_ignored_secrets
    return 0
  fi
  local name value
  local -a lines=()
  for name in "${SECRET_NAMES[@]}"; do
    value=${!name:-}
    if [[ -z "$value" ]]; then
      value=$(random_hex)
    elif [[ ${#value} -lt 32 || "$value" =~ [[:space:]] ]]; then
      die "$name from the environment must be at least 32 characters without whitespace"
    fi
    lines+=("$name=$value")
  done
  (umask 077 && printf '%s\n' "${lines[@]}" >"$SECRETS_FILE.tmp")
  chmod 600 "$SECRETS_FILE.tmp"
  mv "$SECRETS_FILE.tmp" "$SECRETS_FILE"
}

warn_ignored_secrets() {
  local name
  for name in "${SECRET_NAMES[@]}"; do
    if [[ -n "${!name:-}" && "${!name}" != "$(secret_value "$name")" ]]; then
      warn "$name from the environment ignored: this run dir's services use the one in $SECRETS_FILE"
    fi
  done
}

# The value of one secret of this run dir (empty when there is none yet).
secret_value() {
  local wanted=$1 key value
  [[ -r "$SECRETS_FILE" ]] || return 0
  while IFS='=' read -r key value; do
    if [[ "$key" == "$wanted" ]]; then
      echo "$value"
      return 0
    fi
  done <"$SECRETS_FILE"
}

# NAME=value of every secret, one a line (for a service's environment).
secret_lines() {
  local name
  for name in "${SECRET_NAMES[@]}"; do
    echo "$name=$(secret_value "$name")"
  done
}
