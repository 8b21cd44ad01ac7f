// Check 2: every resource and data source type, every argument and nested block used in them,
// and every provider block argument exists in the provider schema (lib/schema.js), and required
// arguments are present.
'use strict';

const { rel } = require('./model');

// Terraform's own meta-arguments, valid in any resource / data block whatever the provider.
const RESOURCE_META = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle', 'provisioner', 'connection']);
const DATA_META = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle']);
const PROVIDER_META = new Set(['alias']);

function isBlockList(value) {
  return Array.isArray(value) && value.every((v) => v && typeof v === 'object' && !Array.isArray(v));
}

// Checks one body against a schema node; pushes problems; returns the number of arguments seen.
function checkBody(body, node, where, meta, problems) {
  let count = 0;
  const present = new Set();
  for (const [key, value] of Object.entries(body)) {
    if (meta.has(key)) continue;
    if (key === 'dynamic') {
      // dynamic "label" { for_each, iterator, content { ... } } generates blocks named label.
      for (const [label, dyns] of Object.entries(value)) {
        const arg = node.args.get(label);
        if (!arg || !arg.block) {
          problems.push(`${where}: dynamic "${label}" is not a nested block of this type`);
          continue;
        }
        present.add(label);
        for (const dyn of dyns) {
          for (const content of dyn.content || []) count += checkBody(content, arg.block, `${where}.${label}`, new Set(), problems);
        }
      }
      continue;
    }
    count++;
    const arg = node.args.get(key);
    if (!arg) {
      problems.push(`${where}: unknown argument "${key}"`);
      continue;
    }
    present.add(key);
    if (arg.block && isBlockList(value)) {
      for (const item of value) count += checkBody(item, arg.block, `${where}.${key}`, new Set(), problems);
    }
  }
  for (const [name, arg] of node.args) {
    if (arg.required && !present.has(name)) problems.push(`${where}: required argument "${name}" is missing`);
  }
  return count;
}

function checkSchema(ctx) {
  const problems = [];
  const types = new Set();
  let resources = 0;
  let dataSources = 0;
  let args = 0;
  for (const mod of ctx.modules.values()) {
    for (const r of mod.resources) {
      resources++;
      types.add(r.type);
      const where = `${rel(r.file, ctx.base)}: resource ${r.type}.${r.name}`;
      const node = ctx.schema.lookup('resource', r.type);
      if (!node) {
        problems.push(`${where}: no resource type "${r.type}" in the provider schema`);
        continue;
      }
      args += checkBody(r.body, node, where, RESOURCE_META, problems);
    }
    for (const d of mod.data) {
      dataSources++;
      types.add(`data.${d.type}`);
      const where = `${rel(d.file, ctx.base)}: data ${d.type}.${d.name}`;
      const node = ctx.schema.lookup('data', d.type);
      if (!node) {
        problems.push(`${where}: no data source "${d.type}" in the provider schema`);
        continue;
      }
      args += checkBody(d.body, node, where, DATA_META, problems);
    }
    for (const p of mod.providers) {
      const where = `${rel(p.file, ctx.base)}: provider ${p.name}`;
      const node = ctx.schema.lookup('provider', p.name);
      if (!node) {
        problems.push(`${where}: no provider "${p.name}" among ${Object.keys(ctx.schema.providers).join(', ')}`);
        continue;
      }
      args += checkBody(p.body, node, where, PROVIDER_META, problems);
    }
  }
  return {
    problems,
    summary: `${resources} resources and ${dataSources} data sources of ${types.size} types, ${args} arguments, against ${ctx.schema.describe()}`,
  };
}

module.exports = { checkSchema };
