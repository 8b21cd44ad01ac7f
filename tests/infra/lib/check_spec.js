// Check 5: facts the SPEC states about the infrastructure hold in the code. Values are followed
// through variables, module arguments and locals (literal defaults, `${var.x}`, `${local.x}` and
// string templates made of them), so a fact set in envs/dev counts as well as a module default.
'use strict';

const path = require('path');
const { rel } = require('./model');

const UNRESOLVED = Symbol('unresolved');

// Each module evaluated once per place it is called from; a module nobody calls is a root.
function contexts(modules) {
  const calledFrom = new Map();
  for (const mod of modules.values()) {
    for (const call of mod.modules.values()) {
      const dir = typeof call.body.source === 'string' ? path.resolve(mod.dir, call.body.source) : null;
      if (dir && modules.has(dir)) {
        if (!calledFrom.has(dir)) calledFrom.set(dir, []);
        calledFrom.get(dir).push({ caller: mod, args: call.body });
      }
    }
  }
  const out = [];
  const build = (mod, parent, args) => {
    const ctx = { mod, parent, args };
    out.push(ctx);
    for (const call of mod.modules.values()) {
      const dir = typeof call.body.source === 'string' ? path.resolve(mod.dir, call.body.source) : null;
      if (dir && modules.has(dir)) build(modules.get(dir), ctx, call.body);
    }
  };
  for (const mod of modules.values()) if (!calledFrom.has(mod.dir)) build(mod, null, null);
  return out;
}

function resolve(value, ctx, depth = 0) {
  if (depth > 20) return UNRESOLVED;
  if (typeof value !== 'string') return value === undefined ? UNRESOLVED : value;
  const whole = /^\$\{\s*(var|local)\.(\w+)\s*\}$/.exec(value);
  if (whole) return lookup(whole[1], whole[2], ctx, depth);
  if (!value.includes('${')) return value;
  let unresolved = false;
  const text = value.replace(/\$\{\s*([^}]*)\s*\}/g, (all, expr) => {
    const m = /^(var|local)\.(\w+)$/.exec(expr.trim());
    const v = m ? lookup(m[1], m[2], ctx, depth) : UNRESOLVED;
    if (v === UNRESOLVED || (typeof v !== 'string' && typeof v !== 'number')) {
      unresolved = true;
      return all;
    }
    return String(v);
  });
  return unresolved ? UNRESOLVED : text;
}

function lookup(kind, name, ctx, depth) {
  if (kind === 'local') {
    const local = ctx.mod.locals.get(name);
    return local ? resolve(local.value, ctx, depth + 1) : UNRESOLVED;
  }
  if (ctx.args && name in ctx.args) return resolve(ctx.args[name], ctx.parent, depth + 1);
  const variable = ctx.mod.variables.get(name);
  if (!variable || !('default' in variable.body)) return UNRESOLVED;
  return resolve(variable.body.default, ctx, depth + 1);
}

const isTrue = (v) => v === true || v === 'true';
const show = (v) => (v === UNRESOLVED ? 'an expression the check cannot follow' : JSON.stringify(v));

function first(body, key) {
  const v = body[key];
  return Array.isArray(v) && v.length && typeof v[0] === 'object' ? v[0] : undefined;
}

function checkSpec(tree) {
  const problems = [];
  const facts = {
    'SQS redrive policy with maxReceiveCount': 0,
    'SQS server-side encryption': 0,
    'backlog alarms at 1000': 0,
    'backlog alarm driving step scaling': 0,
    'RDS primary storage encrypted': 0,
    'RDS read replica': 0,
    'Redis encrypted in transit and at rest': 0,
    'CPU target tracking at 60': 0,
  };
  for (const ctx of contexts(tree.modules)) {
    const where = (r) => `${rel(r.file, tree.base)}: ${r.type}.${r.name}`;
    const queues = ctx.mod.resources.filter((r) => r.type === 'aws_sqs_queue');
    const dlqNames = new Set();
    for (const q of queues) {
      const redrive = q.body.redrive_policy;
      if (typeof redrive !== 'string') continue;
      const target = /deadLetterTargetArn\s*=\s*aws_sqs_queue\.(\w+)\.arn/.exec(redrive);
      const count = /maxReceiveCount\s*=\s*([^\s,}]+)/.exec(redrive);
      const n = count ? resolve(/^\d+$/.test(count[1]) ? Number(count[1]) : `\${${count[1]}}`, ctx) : UNRESOLVED;
      if (!target || !queues.some((d) => d.name === target[1])) problems.push(`${where(q)}: redrive_policy names no dead-letter queue of this module`);
      else dlqNames.add(target[1]);
      if (!Number.isInteger(n) || n < 1) problems.push(`${where(q)}: redrive maxReceiveCount is ${show(n)}, want a whole number >= 1`);
      else facts['SQS redrive policy with maxReceiveCount']++;
    }
    for (const q of queues) {
      const managed = q.body.sqs_managed_sse_enabled;
      const kms = q.body.kms_master_key_id;
      const either = typeof managed === 'string' && typeof kms === 'string' && managed.replace(/\s/g, '') === `\${${kms.slice(2, -1).trim()}==null}`;
      const kmsValue = resolve(kms, ctx);
      if (isTrue(resolve(managed, ctx)) || either || (kms !== undefined && kmsValue !== null && kmsValue !== UNRESOLVED)) facts['SQS server-side encryption']++;
      else problems.push(`${where(q)}: no server-side encryption (sqs_managed_sse_enabled or kms_master_key_id)`);
    }

    const policies = new Map(ctx.mod.resources.filter((r) => r.type === 'aws_autoscaling_policy').map((p) => [p.name, p]));
    for (const alarm of ctx.mod.resources.filter((r) => r.type === 'aws_cloudwatch_metric_alarm')) {
      const metrics = [alarm.body, ...(alarm.body.metric_query || []).map((q) => first(q, 'metric')).filter(Boolean)];
      const backlog = metrics.find((m) => m.metric_name === 'ApproximateNumberOfMessagesVisible');
      if (!backlog) continue;
      const queue = JSON.stringify(backlog.dimensions || {});
      if ([...dlqNames].some((d) => queue.includes(`aws_sqs_queue.${d}.`))) continue; // dead letters, not backlog
      const threshold = resolve(alarm.body.threshold, ctx);
      if (threshold !== 1000 || alarm.body.comparison_operator !== 'GreaterThanThreshold') {
        problems.push(`${where(alarm)}: backlog alarm is ${alarm.body.comparison_operator} ${show(threshold)}, want GreaterThanThreshold 1000`);
        continue;
      }
      facts['backlog alarms at 1000']++;
      for (const action of Array.isArray(alarm.body.alarm_actions) ? alarm.body.alarm_actions : []) {
        const m = /^\$\{aws_autoscaling_policy\.(\w+)\.arn\}$/.exec(action);
        if (m && policies.has(m[1]) && policies.get(m[1]).body.policy_type === 'StepScaling') facts['backlog alarm driving step scaling']++;
      }
    }

    for (const db of ctx.mod.resources.filter((r) => r.type === 'aws_db_instance')) {
      if (db.body.replicate_source_db !== undefined) {
        facts['RDS read replica']++;
        continue;
      }
      if (isTrue(resolve(db.body.storage_encrypted, ctx))) facts['RDS primary storage encrypted']++;
      else problems.push(`${where(db)}: storage_encrypted is ${show(resolve(db.body.storage_encrypted, ctx))}, want true`);
    }

    for (const rg of ctx.mod.resources.filter((r) => r.type === 'aws_elasticache_replication_group')) {
      const transit = resolve(rg.body.transit_encryption_enabled, ctx);
      const atRest = resolve(rg.body.at_rest_encryption_enabled, ctx);
      if (isTrue(transit) && isTrue(atRest)) facts['Redis encrypted in transit and at rest']++;
      else problems.push(`${where(rg)}: transit_encryption_enabled is ${show(transit)}, at_rest_encryption_enabled is ${show(atRest)}, want both true`);
    }

    for (const p of policies.values()) {
      if (p.body.policy_type !== 'TargetTrackingScaling') continue;
      const tt = first(p.body, 'target_tracking_configuration');
      const predefined = tt && first(tt, 'predefined_metric_specification');
      if (!predefined || predefined.predefined_metric_type !== 'ASGAverageCPUUtilization') continue;
      const target = resolve(tt.target_value, ctx);
      if (target === 60 && /^\$\{aws_autoscaling_group\.\w+\.name\}$/.test(p.body.autoscaling_group_name || '')) facts['CPU target tracking at 60']++;
      else problems.push(`${where(p)}: CPU target tracking at ${show(target)} on ${p.body.autoscaling_group_name}, want 60 on an aws_autoscaling_group`);
    }
  }
  for (const [fact, n] of Object.entries(facts)) {
    if (n === 0) problems.push(`no ${fact} found`);
  }
  return { problems, summary: Object.entries(facts).map(([f, n]) => `${f}: ${n}`).join('; ') };
}

module.exports = { checkSpec, resolve, contexts, UNRESOLVED };
