// Shared by the k6 scripts: turns a scenario file of loadtests/scenarios (the
// same files `uitgo loadgen` runs; format in loadtests/README.md) into k6
// options, runs its requests, and writes the summary in the same flat shape as
// `uitgo loadgen` (metrics.http_reqs {count, rate}, metrics.http_req_duration
// {avg, min, med, max, p(90), p(95), p(99)}, ...).
import http from 'k6/http';
import { check, sleep } from 'k6';
import exec from 'k6/execution';

const HCMC = { lat: [10.7, 10.85], lng: [106.6, 106.8] };

function env(name) {
  const v = __ENV[name];
  return v === undefined || v === '' ? undefined : v;
}

function toDuration(v) {
  return typeof v === 'number' ? `${v}s` : String(v);
}

function durationSeconds(v) {
  if (typeof v === 'number') return v;
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let m;
  while ((m = re.exec(String(v))) !== null) {
    total += parseFloat(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2]];
  }
  return total;
}

// ${NAME} from "variables", overridden by the environment (TARGET_RPS, DURATION, ...).
function substitute(value, vars) {
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars));
  if (value !== null && typeof value === 'object') {
    const out = {};
    for (const k of Object.keys(value)) out[k] = substitute(value[k], vars);
    return out;
  }
  if (typeof value !== 'string' || value.indexOf('${') < 0) return value;
  const text = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name) => {
    if (!(name in vars)) throw new Error(`unknown variable \${${name}}`);
    return String(vars[name]);
  });
  const whole = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(value);
  return whole && text !== '' && !isNaN(Number(text)) ? Number(text) : text;
}

export function resolveProfile(text, name) {
  const doc = JSON.parse(text);
  const vars = {};
  for (const k of Object.keys(doc.variables || {})) vars[k] = env(k) !== undefined ? env(k) : doc.variables[k];
  const out = { name, variables: vars };
  for (const k of Object.keys(doc)) {
    if (k !== 'variables') out[k] = substitute(doc[k], vars);
  }
  return out;
}

function k6Scenario(s) {
  const common = { exec: 'iteration', startTime: toDuration(s.startTime || 0) };
  if (s.executor === 'constant-vus') {
    return Object.assign(common, { executor: s.executor, vus: s.vus, duration: toDuration(s.duration) });
  }
  const rate = {
    timeUnit: toDuration(s.timeUnit || '1s'),
    preAllocatedVUs: s.preAllocatedVUs,
    maxVUs: s.maxVUs || s.preAllocatedVUs,
  };
  if (s.executor === 'ramping-arrival-rate') {
    return Object.assign(common, rate, {
      executor: s.executor,
      startRate: Math.round(s.startRate || 0),
      stages: s.stages.map((st) => ({ duration: toDuration(st.duration), target: Math.round(st.target) })),
    });
  }
  return Object.assign(common, rate, {
    executor: s.executor,
    rate: Math.round(s.rate),
    duration: toDuration(s.duration),
  });
}

export function buildOptions(profile) {
  const scenarios = {};
  const thresholds = Object.assign({}, profile.thresholds || {});
  for (const name of Object.keys(profile.scenarios)) {
    scenarios[name] = k6Scenario(profile.scenarios[name]);
    // Always-true thresholds make k6 keep the per-scenario sub-metrics.
    for (const [metric, expr] of [
      ['http_req_duration', 'max>=0'],
      ['http_reqs', 'count>=0'],
      ['http_req_failed', 'rate>=0'],
      ['iterations', 'count>=0'],
    ]) {
      const key = `${metric}{scenario:${name}}`;
      if (!thresholds[key]) thresholds[key] = [expr];
    }
  }
  return {
    scenarios,
    thresholds,
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
  };
}

function apiBase() {
  return (env('API_BASE') || 'http://localhost:8080').replace(/\/+$/, '');
}

function login(email, password) {
  const res = http.post(`${apiBase()}/auth/login`, JSON.stringify({ email, password }), {
    headers: { 'Content-Type': 'application/json' },
  });
  if (res.status !== 200) throw new Error(`demo login as ${email} failed: HTTP ${res.status}`);
  return res.json('accessToken');
}

// ACCESS_TOKEN (rider) and DRIVER_TOKEN from the environment; without
// ACCESS_TOKEN the documented demo rider logs in once.
export function setupTokens(profile) {
  if (profile.drivers && Number(profile.drivers.count) > 0) {
    console.warn('k6 does not simulate drivers; run `uitgo loadgen` for the drivers block or seed online drivers');
  }
  return {
    rider: env('ACCESS_TOKEN') || login('rider@uitgo.dev', 'rider-demo-2026'),
    driver: env('DRIVER_TOKEN') || '',
  };
}

function uuid() {
  const hex = '0123456789abcdef';
  let s = '';
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) s += '-';
    else if (i === 14) s += '4';
    else if (i === 19) s += hex[8 + Math.floor(Math.random() * 4)];
    else s += hex[Math.floor(Math.random() * 16)];
  }
  return s;
}

function draw(spec) {
  if (spec.oneOf) return { number: false, text: spec.oneOf[Math.floor(Math.random() * spec.oneOf.length)] };
  const [lo, hi] = spec.uniform || HCMC.lat;
  const decimals = spec.decimals === undefined ? 6 : spec.decimals;
  return { number: true, text: (lo + Math.random() * (hi - lo)).toFixed(decimals) };
}

function values(scenario, name) {
  const v = {
    uuid: { number: false, text: uuid() },
    vu: { number: true, text: String(exec.vu.idInTest) },
    iteration: { number: true, text: String(exec.scenario.iterationInTest) },
    scenario: { number: false, text: name },
  };
  for (const k of Object.keys(scenario.vars || {})) v[k] = draw(scenario.vars[k]);
  return v;
}

function escapeJson(text) {
  return JSON.stringify(text).slice(1, -1);
}

// The same rules as `uitgo loadgen`: "{{x}}" as a whole JSON string becomes
// the value itself; elsewhere the value is spliced in (escaped / encoded).
function render(template, v, kind) {
  let text = template;
  if (kind === 'json') {
    text = text.replace(/"\{\{(\w+)\}\}"/g, (_, n) => (v[n].number ? v[n].text : JSON.stringify(v[n].text)));
  }
  return text.replace(/\{\{(\w+)\}\}/g, (_, n) => {
    if (kind === 'json') return escapeJson(v[n].text);
    if (kind === 'path') return encodeURIComponent(v[n].text);
    return v[n].text;
  });
}

function send(req, v, tokens) {
  const headers = {};
  const auth = req.auth || 'rider';
  if (auth === 'rider') headers.Authorization = `Bearer ${tokens.rider}`;
  if (auth === 'driver') headers.Authorization = `Bearer ${tokens.driver}`;
  for (const k of Object.keys(req.headers || {})) headers[k] = render(req.headers[k], v, 'header');
  let body = null;
  if (req.body !== undefined) {
    const isText = typeof req.body === 'string';
    body = render(isText ? req.body : JSON.stringify(req.body), v, isText ? 'header' : 'json');
    headers['Content-Type'] = 'application/json';
  }
  const expect = req.expect === undefined ? null : [].concat(req.expect);
  const params = {
    headers,
    tags: { name: req.name || `${req.method || 'GET'} ${req.path.split('?')[0]}` },
    responseCallback: expect ? http.expectedStatuses(...expect) : http.expectedStatuses({ min: 200, max: 399 }),
  };
  const url = apiBase() + render(req.path, v, 'path');
  const res = http.request(req.method || 'GET', url, body, params);
  check(res, {
    'status is expected': (r) => (expect ? expect.indexOf(r.status) >= 0 : r.status >= 200 && r.status < 400),
  });
}

export function runIteration(profile, tokens) {
  const name = exec.scenario.name;
  const scenario = profile.scenarios[name];
  const v = values(scenario, name);
  for (const req of scenario.requests || [scenario.request]) send(req, v, tokens);
  if (scenario.executor === 'constant-vus' && scenario.thinkTime) sleep(durationSeconds(scenario.thinkTime));
}

function flatValues(metric) {
  const v = metric.values;
  if (metric.type === 'counter') return { count: v.count, rate: v.rate };
  if (metric.type === 'rate') return { rate: v.rate, passes: v.passes, fails: v.fails };
  return v;
}

// The summary in `uitgo loadgen`'s shape, written to RESULT.
export function summarize(data, profile) {
  const metrics = {};
  const thresholds = {};
  let ok = true;
  for (const name of Object.keys(data.metrics)) {
    const m = data.metrics[name];
    metrics[name] = flatValues(m);
    if (!m.thresholds) continue;
    for (const expr of Object.keys(m.thresholds)) {
      if (/^(max>=0|count>=0|rate>=0)$/.test(expr) && name.indexOf('{scenario:') > 0) continue;
      thresholds[name] = thresholds[name] || {};
      thresholds[name][expr] = { ok: m.thresholds[expr].ok };
      ok = ok && m.thresholds[expr].ok;
    }
  }
  const result = {
    tool: 'k6',
    profile: profile.name,
    apiBase: apiBase(),
    durationSeconds: data.state.testRunDurationMs / 1000,
    variables: profile.variables,
    metrics,
    thresholds,
    thresholdsEnabled: !data.options || !data.options.noThresholds,
    thresholdsOk: ok,
  };
  const file = env('RESULT') || `loadtests/results/${profile.name}.json`;
  const d = metrics.http_req_duration || {};
  const line =
    `${profile.name}: ${(metrics.http_reqs || {}).count || 0} requests, failed rate ` +
    `${(metrics.http_req_failed || {}).rate || 0}, p95 ${d['p(95)']} ms; thresholds ${ok ? 'ok' : 'FAILED'}; ` +
    `summary in ${file}\n`;
  return { [file]: JSON.stringify(result, null, 2) + '\n', stdout: line };
}
