// The local SQS endpoint of the stack (MATCH_QUEUE=sqs): fauxqs, an SQS
// emulator speaking the JSON protocol, listening on 127.0.0.1 only, with the
// matching queue and its dead-letter queue created at start (redrive after
// SQS_MAX_RECEIVE_COUNT receives, as deploy/terraform configures the real
// queue). It keeps everything in memory and does not check signatures.
//
// Started by scripts/stack/sqs.sh. Environment:
//   SQS_EMULATOR_PORT      port on 127.0.0.1 (required)
//   SQS_EMULATOR_MODULES   folder whose node_modules holds fauxqs (npm ci of scripts/sqs/package-lock.json)
//   SQS_EMULATOR_ENV_FILE  where to write SQS_ENDPOINT, SQS_QUEUE_URL, SQS_DLQ_URL and AWS_REGION
//                          (written once both queues exist: its presence means ready)
//   SQS_EMULATOR_QUEUE=trip_match_queue  SQS_EMULATOR_DLQ=trip_match_dlq
//   SQS_MAX_RECEIVE_COUNT  default MATCH_MAX_DELIVERIES, else 5
//   AWS_REGION=us-east-1   SQS_EMULATOR_LOG=false (true: one log line per request)
import { renameSync, writeFileSync } from "node:fs";
import net from "node:net";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

function fail(message) {
  console.error(`sqs emulator: ${message}`);
  process.exit(1);
}

const env = process.env;
const port = Number(env.SQS_EMULATOR_PORT);
if (!Number.isInteger(port) || port < 1 || port > 65535) fail("SQS_EMULATOR_PORT must be a port number");
if (!env.SQS_EMULATOR_MODULES) fail("SQS_EMULATOR_MODULES is not set");
if (!env.SQS_EMULATOR_ENV_FILE) fail("SQS_EMULATOR_ENV_FILE is not set");
const queueName = env.SQS_EMULATOR_QUEUE || "trip_match_queue";
const dlqName = env.SQS_EMULATOR_DLQ || "trip_match_dlq";
const region = env.AWS_REGION || "us-east-1";
const maxReceiveCount = Number(env.SQS_MAX_RECEIVE_COUNT || env.MATCH_MAX_DELIVERIES || 5);
if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000) {
  fail("SQS_MAX_RECEIVE_COUNT must be an integer from 1 to 1000");
}

// fauxqs listens on 0.0.0.0 whatever it is told; every listening socket of
// this process is put on the loopback interface instead.
const LOOPBACK = "127.0.0.1";
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first] = args;
  if (first !== null && typeof first === "object" && !Array.isArray(first) && !("fd" in first) && !("path" in first)) {
    args[0] = { ...first, host: LOOPBACK };
  } else if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
    if (typeof args[1] === "string") args[1] = LOOPBACK;
    else args.splice(1, 0, LOOPBACK);
  }
  return listen.apply(this, args);
};

const entry = join(resolve(env.SQS_EMULATOR_MODULES), "node_modules", "fauxqs", "dist", "app.js");
const { startFauxqs } = await import(pathToFileURL(entry).href);
const server = await startFauxqs({ port, logger: env.SQS_EMULATOR_LOG === "true", defaultRegion: region });
const address = new URL(server.address);
if (address.hostname !== LOOPBACK) {
  await server.stop();
  fail(`listening on ${server.address}, not on ${LOOPBACK}: refusing to run`);
}

const dlq = server.createQueue(dlqName);
const queue = server.createQueue(queueName, {
  attributes: {
    VisibilityTimeout: "30",
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.queueArn, maxReceiveCount }),
  },
});

const lines = [
  `SQS_ENDPOINT=http://${LOOPBACK}:${server.port}`,
  `SQS_QUEUE_URL=${queue.queueUrl}`,
  `SQS_DLQ_URL=${dlq.queueUrl}`,
  `AWS_REGION=${region}`,
];
const target = resolve(env.SQS_EMULATOR_ENV_FILE);
writeFileSync(`${target}.tmp`, `${lines.join("\n")}\n`);
renameSync(`${target}.tmp`, target);
console.log(
  `sqs emulator: listening on ${server.address} (region ${region}); queue ${queue.queueUrl}, ` +
    `dead letters ${dlq.queueUrl} after ${maxReceiveCount} receives`,
);

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    process.exit(0);
  });
}
