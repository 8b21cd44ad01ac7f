// Check 3: every reference resolves. var.X to a variable of the same module, local.X to a local,
// module.M(.O) to a module block (and O to an output of the called module), data.T.N and T.N to
// a block of the module (and a following attribute to the type's schema); module calls pass
// only variables the called module declares and every variable it requires; templatefile()
// passes exactly the variables its template uses.
'use strict';

const fs = require('fs');
const path = require('path');
const { getReferencesInExpression } = require('@cdktf/hcl2json');
const { walkStrings, rel } = require('./model');

// Roots that are not declarations of the module: Terraform's own objects.
const BUILTIN_ROOTS = new Set(['path', 'terraform', 'each', 'count', 'self']);
// Arguments of a module block that are not the called module's variables.
const MODULE_META = new Set(['source', 'version', 'providers', 'count', 'for_each', 'depends_on']);

// Segments of a reference as hcl2json reports it: a.b."quoted key".0.c
function segments(ref) {
  return ref.match(/"[^"]*"|[^.]+/g) || [];
}

// Where the attribute of a resource reference starts: after type, name and any index.
function attributeAfter(segs, from) {
  let i = from;
  while (i < segs.length && (/^\d+$/.test(segs[i]) || segs[i].startsWith('"') || segs[i] === '*')) i++;
  return i < segs.length ? segs[i] : null;
}

async function referencesIn(file, text) {
  if (!text.includes('${') && !text.includes('%{')) return [];
  try {
    return (await getReferencesInExpression(file, text)).map((r) => r.value);
  } catch (e) {
    return [{ error: String(e.message || e).split('\n')[0] }];
  }
}

function isProviderType(root, ctx) {
  const prefix = root.split('_')[0];
  return root.includes('_') && Object.prototype.hasOwnProperty.call(ctx.schema.providers, prefix);
}

async function checkModuleReferences(mod, ctx, problems, stats) {
  const declared = new Set(mod.resources.map((r) => `${r.type}.${r.name}`));
  const declaredData = new Set(mod.data.map((d) => `${d.type}.${d.name}`));
  const blocks = [
    ...mod.resources.map((r) => ({ where: `resource ${r.type}.${r.name}`, body: r.body, file: r.file })),
    ...mod.data.map((d) => ({ where: `data ${d.type}.${d.name}`, body: d.body, file: d.file })),
    ...[...mod.variables.values()].map((v) => ({ where: `variable ${v.name}`, body: v.body, file: v.file })),
    ...[...mod.outputs.values()].map((o) => ({ where: `output ${o.name}`, body: o.body, file: o.file })),
    ...[...mod.locals.values()].map((l) => ({ where: `local ${l.name}`, body: l.value, file: l.file })),
    ...[...mod.modules.values()].map((m) => ({ where: `module ${m.name}`, body: m.body, file: m.file })),
    ...mod.providers.map((p) => ({ where: `provider ${p.name}`, body: p.body, file: p.file })),
  ];
  for (const block of blocks) {
    const strings = [];
    // ignore_changes lists argument names of the block itself, not references.
    walkStrings(block.body, (s, trail) => {
      if (!trail.includes('ignore_changes')) strings.push(s);
    });
    for (const s of strings) {
      for (const ref of await referencesIn(path.basename(block.file), s)) {
        const where = `${rel(block.file, ctx.base)}: ${block.where}`;
        if (ref.error) {
          problems.push(`${where}: cannot read expression: ${ref.error}`);
          continue;
        }
        stats.references++;
        const problem = resolve(ref, mod, ctx, declared, declaredData);
        if (problem) problems.push(`${where}: ${problem}`);
      }
    }
  }
}

function resolve(ref, mod, ctx, declared, declaredData) {
  const segs = segments(ref);
  const [root, second] = segs;
  if (BUILTIN_ROOTS.has(root)) return null;
  if (root === 'var') return mod.variables.has(second) ? null : `var.${second} is not declared in this module`;
  if (root === 'local') return mod.locals.has(second) ? null : `local.${second} is not defined in this module`;
  if (root === 'module') {
    const call = mod.modules.get(second);
    if (!call) return `module.${second}: no module block "${second}"`;
    const target = ctx.modules.get(moduleDir(mod, call));
    const output = segs[2];
    if (target && output && !target.outputs.has(output)) return `module.${second}.${output}: the module has no output "${output}"`;
    return null;
  }
  if (root === 'data') {
    const id = `${second}.${segs[2]}`;
    if (!declaredData.has(id)) return `data.${id} is not declared in this module`;
    return attributeProblem('data', second, segs, 3, ctx, `data.${id}`);
  }
  if (isProviderType(root, ctx)) {
    const id = `${root}.${second}`;
    if (!declared.has(id)) return `${id} is not declared in this module`;
    return attributeProblem('resource', root, segs, 2, ctx, id);
  }
  // Anything else is a name bound by the expression itself (for, dynamic iterators).
  return null;
}

function attributeProblem(kind, type, segs, from, ctx, id) {
  const attribute = attributeAfter(segs, from);
  const node = ctx.schema.lookup(kind, type);
  if (!attribute || !node) return null;
  return node.attributes.has(attribute) ? null : `${id}.${attribute}: "${type}" has no attribute "${attribute}"`;
}

function moduleDir(mod, call) {
  const source = call.body.source;
  return typeof source === 'string' && source.startsWith('.') ? path.resolve(mod.dir, source) : null;
}

function checkModuleCalls(mod, ctx, problems, stats) {
  for (const call of mod.modules.values()) {
    stats.calls++;
    const where = `${rel(call.file, ctx.base)}: module ${call.name}`;
    const dir = moduleDir(mod, call);
    const target = dir && ctx.modules.get(dir);
    if (!target) {
      problems.push(`${where}: source "${call.body.source}" is not a module folder of this tree`);
      continue;
    }
    const passed = Object.keys(call.body).filter((k) => !MODULE_META.has(k));
    for (const arg of passed) {
      if (!target.variables.has(arg)) problems.push(`${where}: argument "${arg}" is not a variable of ${rel(dir, ctx.base)}`);
    }
    for (const [name, v] of target.variables) {
      if (!('default' in v.body) && !passed.includes(name)) problems.push(`${where}: required variable "${name}" is not passed`);
    }
  }
}

// templatefile("<path>", { key = ..., ... }): the keys at the object's top level.
function templatefileCalls(text) {
  const calls = [];
  const re = /templatefile\(\s*"([^"]+)"\s*,\s*\{/g;
  let m;
  while ((m = re.exec(text)) !== null) {
    const keys = [];
    let depth = 1;
    let i = re.lastIndex;
    let atItemStart = true;
    while (i < text.length && depth > 0) {
      const c = text[i];
      if (c === '"') {
        i = skipString(text, i);
        atItemStart = false;
        continue;
      }
      if ('{[('.includes(c)) depth++;
      else if ('}])'.includes(c)) depth--;
      else if (depth === 1 && (c === '\n' || c === ',')) atItemStart = true;
      else if (depth === 1 && atItemStart && /[A-Za-z_]/.test(c)) {
        const id = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(i))[0];
        if (/^\s*=(?!=)/.test(text.slice(i + id.length))) keys.push(id);
        atItemStart = false;
        i += id.length;
        continue;
      } else if (!/\s/.test(c)) atItemStart = false;
      i++;
    }
    calls.push({ pathExpr: m[1], keys });
  }
  return calls;
}

function skipString(text, i) {
  let j = i + 1;
  while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
  return j + 1;
}

// The variables a template uses: roots of ${...} interpolations and %{...} directives, minus
// names bound by its own for directives. $${ and %%{ are escapes.
async function templateVariables(file, text) {
  const used = new Set();
  const bound = new Set();
  const re = /(^|[^$%])([$%])\{/g;
  let m;
  while ((m = re.exec(text)) !== null) {
    const start = m.index + m[1].length + 2;
    let depth = 1;
    let i = start;
    while (i < text.length && depth > 0) {
      if (text[i] === '"') {
        i = skipString(text, i);
        continue;
      }
      if (text[i] === '{') depth++;
      else if (text[i] === '}') depth--;
      i++;
    }
    let body = text.slice(start, i - 1).replace(/^~|~$/g, '').trim();
    if (m[2] === '%') {
      const loop = /^for\s+(\w+)(?:\s*,\s*(\w+))?\s+in\s+([\s\S]+)$/.exec(body);
      if (loop) {
        bound.add(loop[1]);
        if (loop[2]) bound.add(loop[2]);
        body = loop[3];
      } else if (/^(endfor|endif|else)$/.test(body)) continue;
      else body = body.replace(/^if\s+/, '');
    }
    for (const ref of await getReferencesInExpression(path.basename(file), `\${${body}}`)) {
      used.add(segments(ref.value)[0]);
    }
  }
  for (const b of bound) used.delete(b);
  return used;
}

async function checkTemplates(mod, ctx, problems, stats) {
  const sources = [...mod.locals.values(), ...mod.resources, ...mod.outputs.values()];
  for (const src of sources) {
    const texts = [];
    walkStrings(src.value !== undefined ? src.value : src.body, (s) => texts.push(s));
    for (const text of texts) {
      for (const call of templatefileCalls(text)) {
        stats.templates++;
        const where = `${rel(src.file, ctx.base)}: templatefile("${call.pathExpr}")`;
        const file = path.resolve(mod.dir, call.pathExpr.replace('${path.module}', '.'));
        if (!fs.existsSync(file)) {
          problems.push(`${where}: the template file does not exist`);
          continue;
        }
        const used = await templateVariables(file, fs.readFileSync(file, 'utf8'));
        for (const name of used) {
          if (!call.keys.includes(name)) problems.push(`${where}: the template uses "${name}", which is not passed`);
        }
        for (const key of call.keys) {
          if (!used.has(key)) problems.push(`${where}: "${key}" is passed but the template never uses it`);
        }
      }
    }
  }
}

async function checkReferences(ctx) {
  const problems = [];
  const stats = { references: 0, calls: 0, templates: 0 };
  for (const mod of ctx.modules.values()) {
    await checkModuleReferences(mod, ctx, problems, stats);
    checkModuleCalls(mod, ctx, problems, stats);
    await checkTemplates(mod, ctx, problems, stats);
  }
  return {
    problems,
    summary: `${stats.references} references, ${stats.calls} module calls, ${stats.templates} templatefile calls`,
  };
}

module.exports = { checkReferences, templatefileCalls, templateVariables };
