// Check 4: the boot template gives every service the variables it needs on AWS, and nothing a
// service does not know. Each service's variables come from `BINARY <service> --help`; which of
// them AWS needs is the list below. The template writes env files with heredocs
// (cat > "$CONF_DIR/<name>.env" <<EOF ... EOF): <service>.env belongs to that service, any other
// .env file (common, queue, ...) is counted for every service.
'use strict';

const fs = require('fs');
const { execFileSync } = require('child_process');

const SERVICES = ['user-service', 'trip-service', 'driver-service'];

// Variables whose defaults only work on one machine: each must be set on AWS for every service
// that declares it.
const REQUIRED_ON_AWS = [
  'HTTP_HOST', // default 127.0.0.1: the ALB health check and peer instances could not connect
  'USER_DB_DSN',
  'TRIP_DB_DSN',
  'TRIP_DB_REPLICA_DSN',
  'DRIVER_DB_DSN',
  'REDIS_URL',
  'JWT_SECRET',
  'INTERNAL_TOKEN',
  'DRIVER_SERVICE_URL',
  'TRIP_SERVICE_URL',
  'MATCH_QUEUE',
  'SQS_QUEUE_URL',
  'SQS_DLQ_URL',
  'AWS_REGION',
];

// The SQS backend's variables, added to the code separately. Until a service's --help lists one,
// it is required from the template for the services named here anyway, and setting it is not a
// typo. Remove an entry once --help lists it: the rules above then apply to it like to any other.
const PENDING_IN_CODE = {
  SQS_QUEUE_URL: ['trip-service', 'driver-service'],
  SQS_DLQ_URL: ['trip-service', 'driver-service'],
  AWS_REGION: ['trip-service', 'driver-service'],
};

// Values that must never reach AWS.
const FORBIDDEN = {
  UITGO_DEV_MODE: (v) => (v.trim().toLowerCase() === 'false' ? null : 'must be false on AWS (it lifts the secret checks)'),
  SQS_ENDPOINT: () => 'is for local emulators only; on AWS the SDK endpoint comes from AWS_REGION',
  MATCH_QUEUE: (v) => (v.trim() === 'sqs' ? null : 'must be sqs on AWS'),
};

// `uitgo <service> --help` prints "  NAME (default: ...)" or "  NAME (required)" per variable.
function helpVariables(binary, service) {
  const out = execFileSync(binary, [service, '--help'], { encoding: 'utf8', timeout: 30000 });
  const names = new Set();
  for (const line of out.split('\n')) {
    const m = /^ {2}([A-Z][A-Z0-9_]*) \((default: .*|required)\)$/.exec(line);
    if (m) names.add(m[1]);
  }
  if (names.size === 0) throw new Error(`${binary} ${service} --help listed no variables`);
  return names;
}

// {file: name.env, vars: Map<NAME, value>} for every heredoc written to a .env file.
function envFiles(text) {
  const files = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /cat\s*>\s*"?[^"\s]*?([\w.-]+\.env)"?\s*<<-?\s*(['"]?)(\w+)\2\s*$/.exec(lines[i]);
    if (!m) continue;
    const vars = new Map();
    for (i++; i < lines.length && lines[i].trim() !== m[3]; i++) {
      const line = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(lines[i]);
      if (line) vars.set(line[1], line[2]);
    }
    files.push({ file: m[1], vars });
  }
  return files;
}

function checkEnvironment(ctx) {
  const problems = [];
  const text = fs.readFileSync(ctx.template, 'utf8');
  const files = envFiles(text);
  if (files.length === 0) return { problems: [`${ctx.templateName}: no env file heredocs found`], summary: '' };

  const help = new Map(SERVICES.map((s) => [s, helpVariables(ctx.binary, s)]));
  const pendingFor = (name, service) => (PENDING_IN_CODE[name] || []).includes(service) && !help.get(service).has(name);
  const knownBy = (name, service) => help.get(service).has(name) || pendingFor(name, service);

  const setFor = new Map(SERVICES.map((s) => [s, new Set()]));
  let assignments = 0;
  for (const { file, vars } of files) {
    const owner = SERVICES.find((s) => file === `${s}.env`);
    for (const [name, value] of vars) {
      assignments++;
      const targets = owner ? [owner] : SERVICES;
      targets.forEach((s) => setFor.get(s).add(name));
      if (FORBIDDEN[name]) {
        const why = FORBIDDEN[name](value);
        if (why) problems.push(`${ctx.templateName}: ${file} sets ${name}=${value}: ${name} ${why}`);
      }
      if (owner && !knownBy(name, owner)) {
        problems.push(`${ctx.templateName}: ${file} sets ${name}, which ${owner} does not know (not in its --help)`);
      } else if (!owner && !SERVICES.some((s) => knownBy(name, s))) {
        problems.push(`${ctx.templateName}: ${file} sets ${name}, which no service knows (not in any --help)`);
      }
    }
  }

  let required = 0;
  for (const service of SERVICES) {
    for (const name of REQUIRED_ON_AWS) {
      if (!help.get(service).has(name) && !pendingFor(name, service)) continue;
      required++;
      if (!setFor.get(service).has(name)) problems.push(`${ctx.templateName}: ${service} needs ${name} on AWS and the template does not set it`);
    }
  }

  const pending = Object.keys(PENDING_IN_CODE).filter((n) => PENDING_IN_CODE[n].some((s) => !help.get(s).has(n)));
  const done = Object.keys(PENDING_IN_CODE).filter((n) => !pending.includes(n));
  let summary = `${assignments} assignments in ${files.length} env files, ${required} required (service, variable) pairs set`;
  summary += pending.length ? `; not yet in --help, required anyway: ${pending.join(', ')}` : '';
  summary += done.length ? `; now declared by the code, drop from PENDING_IN_CODE: ${done.join(', ')}` : '';
  return { problems, summary };
}

module.exports = { checkEnvironment, envFiles, helpVariables, REQUIRED_ON_AWS, PENDING_IN_CODE };
