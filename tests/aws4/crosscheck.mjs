// Signs SQS-shaped requests with npm aws4 (an independent SigV4
// implementation) and with the project's signer (aws4_sign_cli), and compares
// the Authorization headers. Prints one line per case and ends with
// "N passed, N failed"; exits 1 on any difference.
//   node crosscheck.mjs --cli PATH/TO/aws4_sign_cli --modules DIR/WITH/node_modules
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({ options: { cli: { type: "string" }, modules: { type: "string" } } });
if (!args.cli || !args.modules) {
  console.error("usage: node crosscheck.mjs --cli PATH --modules DIR");
  process.exit(2);
}
const aws4 = createRequire(join(resolve(args.modules), "package.json"))("aws4");

const KEY = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const TOKEN =
  "IQoJb3JpZ2luX2VjEJr//////////wEaDmFwLXNvdXRoZWFzdC0xIkcwRQIhAKexample+token/with=padding==";

// A small deterministic generator, so a failure is reproducible.
let seed = 20260301;
function random() {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}
const pick = (list) => list[Math.floor(random() * list.length)];

const ACTIONS = ["SendMessage", "SendMessageBatch", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility",
  "GetQueueAttributes", "PurgeQueue"];
const BODIES = [
  "{}",
  '{"QueueUrl":"https://sqs.ap-southeast-1.amazonaws.com/123456789012/trip_match_queue","MessageBody":"{\\"tripId\\":\\"7c1b\\"}"}',
  '{"QueueUrl":"q","MaxNumberOfMessages":10,"WaitTimeSeconds":20,"AttributeNames":["All"]}',
  '{"MessageBody":"Điểm đón: Quận 1, TP.HCM ☕ — \\u00e9"}',
  "",
];

function sqsCase(name, { region = "ap-southeast-1", host, action, body, token, date, extraHeaders = {} }) {
  return {
    name,
    region,
    service: "sqs",
    host: host ?? `sqs.${region}.amazonaws.com`,
    method: "POST",
    path: "/",
    query: [],
    headers: {
      "Content-Type": "application/x-amz-json-1.0",
      "X-Amz-Target": `AmazonSQS.${action}`,
      "X-Amz-Date": date,
      ...extraHeaders,
    },
    body,
    token,
  };
}

const cases = [
  sqsCase("send-with-session-token", {
    action: "SendMessage", body: BODIES[1], token: TOKEN, date: "20260301T101500Z" }),
  sqsCase("receive-static-keys", { action: "ReceiveMessage", body: BODIES[2], date: "20260301T101500Z" }),
  sqsCase("utf8-body", { action: "SendMessage", body: BODIES[3], token: TOKEN, date: "20251231T235959Z" }),
  sqsCase("emulator-host-with-port", {
    region: "us-east-1", host: "127.0.0.1:4566", action: "DeleteMessage", body: "{}", date: "20260102T000000Z" }),
  sqsCase("blank-runs-in-a-header", {
    action: "GetQueueAttributes", body: "{}", date: "20260301T101500Z",
    extraHeaders: { "X-Custom-Trace": "  a   b \t c  " } }),
  {
    // The query protocol's shape: a GET with parameters that need encoding.
    name: "query-protocol-get",
    region: "ap-southeast-1",
    service: "sqs",
    host: "sqs.ap-southeast-1.amazonaws.com",
    method: "GET",
    path: "/123456789012/trip_match_queue",
    query: [["Action", "ReceiveMessage"], ["AttributeName.1", "All"], ["Note", "a b+c/d=é*~"]],
    headers: { "X-Amz-Date": "20260301T101500Z" },
    body: "",
    token: TOKEN,
  },
];
for (let i = 0; i < 40; i++) {
  const day = 1 + Math.floor(random() * 28);
  const hour = Math.floor(random() * 24);
  const date = `2026${String(1 + Math.floor(random() * 12)).padStart(2, "0")}${String(day).padStart(2, "0")}T${String(hour).padStart(2, "0")}${String(Math.floor(random() * 60)).padStart(2, "0")}07Z`;
  cases.push(sqsCase(`generated-${i}`, {
    region: pick(["ap-southeast-1", "us-east-1", "eu-west-1"]),
    action: pick(ACTIONS),
    body: pick(BODIES),
    token: random() < 0.5 ? TOKEN : undefined,
    date,
  }));
}

function unixSeconds(amzDate) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000;
}

const OURS = new Set(["authorization", "x-amz-date", "x-amz-security-token"]);
const expected = [];
const inputs = [];
for (const c of cases) {
  const queryString = c.query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
  const request = {
    host: c.host,
    method: c.method,
    path: c.path + (queryString ? `?${queryString}` : ""),
    service: c.service,
    region: c.region,
    headers: { ...c.headers },
    body: c.body || undefined,
  };
  const credentials = c.token ? { ...KEY, sessionToken: c.token } : KEY;
  const signed = aws4.sign(request, credentials);
  expected.push(signed.headers);
  // Everything aws4 signed (it adds Host and Content-Length) except what our
  // signer adds itself.
  const headers = Object.entries(signed.headers)
    .filter(([name]) => !OURS.has(name.toLowerCase()))
    .map(([name, value]) => [name, String(value)]);
  inputs.push(JSON.stringify({
    method: c.method, path: c.path, query: c.query, headers, body: c.body,
    accessKeyId: KEY.accessKeyId, secretAccessKey: KEY.secretAccessKey, sessionToken: c.token ?? "",
    region: c.region, service: c.service, time: unixSeconds(c.headers["X-Amz-Date"]),
  }));
}

const run = spawnSync(args.cli, [], { input: inputs.join("\n") + "\n", encoding: "utf8" });
if (run.status !== 0) {
  console.error(`${args.cli} failed (${run.status ?? run.signal}): ${run.stderr}`);
  process.exit(2);
}
const answers = run.stdout.trim().split("\n").map((line) => JSON.parse(line));
let passed = 0;
let failed = 0;
cases.forEach((c, i) => {
  const ours = answers[i] ?? {};
  const theirs = expected[i];
  const problems = [];
  if (ours.authorization !== theirs.Authorization) {
    problems.push(`Authorization\n    aws4: ${theirs.Authorization}\n    ours: ${ours.authorization}`);
  }
  if (ours.amzDate !== theirs["X-Amz-Date"]) problems.push(`X-Amz-Date ${theirs["X-Amz-Date"]} vs ${ours.amzDate}`);
  if ((ours.securityToken ?? undefined) !== theirs["X-Amz-Security-Token"]) problems.push("X-Amz-Security-Token");
  if (problems.length === 0) {
    passed++;
    console.log(`ok   ${c.name}`);
  } else {
    failed++;
    console.log(`FAIL ${c.name}: ${problems.join("; ")}\n  our canonical request:\n${ours.canonicalRequest}`);
  }
});
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed === cases.length ? 0 : 1);
