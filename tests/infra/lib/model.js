// Loads Terraform code into a small model: one entry per folder of .tf files (a module), with
// its variables, locals, outputs, module calls, resources and data sources as hcl2json returns them.
'use strict';

const fs = require('fs');
const path = require('path');
const { parse } = require('@cdktf/hcl2json');

// Every folder under root that holds .tf files, with its files (sorted, for stable output).
function findModuleDirs(root) {
  const dirs = [];
  const walk = (dir) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    const tf = entries.filter((e) => e.isFile() && e.name.endsWith('.tf')).map((e) => path.join(dir, e.name));
    // Variable files are HCL too: parsed and layout-checked, not part of the module.
    const tfvars = entries.filter((e) => e.isFile() && /\.tfvars(\.example)?$/.test(e.name)).map((e) => path.join(dir, e.name));
    if (tf.length || tfvars.length) dirs.push({ dir, files: tf, varFiles: tfvars });
    for (const e of entries) {
      if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') walk(path.join(dir, e.name));
    }
  };
  walk(root);
  return dirs;
}

// Parses one file; a syntax error becomes {error} naming the file and position.
async function parseFile(file) {
  const text = fs.readFileSync(file, 'utf8');
  try {
    return { file, text, json: await parse(path.basename(file), text) };
  } catch (e) {
    const message = String(e && e.message ? e.message : e).replace(/\s+/g, ' ').trim();
    return { file, text, error: message };
  }
}

// Blocks of two labels (resource "type" "name") become [{type, name, body, file}].
function labelled2(json, key, file) {
  const out = [];
  for (const [type, byName] of Object.entries(json[key] || {})) {
    for (const [name, bodies] of Object.entries(byName)) {
      for (const body of bodies) out.push({ type, name, body, file });
    }
  }
  return out;
}

// Blocks of one label (variable "name") become [{name, body, file}].
function labelled1(json, key, file) {
  const out = [];
  for (const [name, bodies] of Object.entries(json[key] || {})) {
    for (const body of bodies) out.push({ name, body, file });
  }
  return out;
}

function emptyModule(dir) {
  return {
    dir,
    files: [],
    variables: new Map(),
    outputs: new Map(),
    locals: new Map(),
    modules: new Map(),
    resources: [],
    data: [],
    providers: [],
    terraform: [],
  };
}

function addFile(mod, parsed) {
  const { json, file } = parsed;
  for (const v of labelled1(json, 'variable', file)) mod.variables.set(v.name, v);
  for (const o of labelled1(json, 'output', file)) mod.outputs.set(o.name, o);
  for (const m of labelled1(json, 'module', file)) mod.modules.set(m.name, m);
  for (const p of labelled1(json, 'provider', file)) mod.providers.push(p);
  for (const block of json.locals || []) {
    for (const [name, value] of Object.entries(block)) mod.locals.set(name, { name, value, file });
  }
  for (const t of json.terraform || []) mod.terraform.push({ body: t, file });
  mod.resources.push(...labelled2(json, 'resource', file));
  mod.data.push(...labelled2(json, 'data', file));
}

// Returns {modules: Map<dir, module>, parsed: [{file, text, json|error}]}.
async function loadTree(root) {
  const modules = new Map();
  const parsed = [];
  for (const { dir, files, varFiles } of findModuleDirs(root)) {
    for (const file of varFiles) parsed.push(await parseFile(file));
    if (!files.length) continue;
    const mod = emptyModule(dir);
    for (const file of files) {
      const p = await parseFile(file);
      parsed.push(p);
      mod.files.push(p);
      if (!p.error) addFile(mod, p);
    }
    modules.set(dir, mod);
  }
  return { modules, parsed };
}

// Walks every string inside a JSON value, calling fn(string, pathOfKeys).
function walkStrings(value, fn, trail = []) {
  if (typeof value === 'string') fn(value, trail);
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, fn, [...trail, i]));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) walkStrings(v, fn, [...trail, k]);
  }
}

function rel(file, base) {
  return path.relative(base, file) || file;
}

module.exports = { loadTree, findModuleDirs, parseFile, walkStrings, rel, emptyModule, addFile };
