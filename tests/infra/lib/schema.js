// Provider schemas (argument and nested-block names, which ones are required) read from the
// cdktf prebuilt providers' TypeScript declarations, since no terraform binary is available.
//
// Where the schema lives: each resource or data source is one folder of the package
// (lib/<name>/index.d.ts). Its class declares `static readonly tfResourceType = "aws_x"`,
// and its `<Class>Config` interface has one `readonly camelName?: Type;` per argument,
// preceded by a doc comment whose registry link ends in `#snake_name` (the Terraform name).
// A property whose type names another interface of the same file is a nested block;
// `?` marks optional arguments. Meta-arguments (count, for_each, ...) come from
// cdktf.TerraformMetaArguments and are not listed there.
'use strict';

const fs = require('fs');
const path = require('path');

const PROVIDERS = {
  aws: '@cdktf/provider-aws',
  random: '@cdktf/provider-random',
};

// Returns the interfaces declared in one index.d.ts: name -> [{name, camel, optional, type}].
function parseInterfaces(text) {
  const interfaces = new Map();
  const head = /export interface (\w+)(?: extends [^{]+)? \{/g;
  let m;
  while ((m = head.exec(text)) !== null) {
    const start = head.lastIndex;
    let depth = 1;
    let i = start;
    while (i < text.length && depth > 0) {
      const c = text[i];
      if (c === '{') depth++;
      else if (c === '}') depth--;
      i++;
    }
    interfaces.set(m[1], parseProperties(text.slice(start, i - 1)));
    head.lastIndex = i;
  }
  return interfaces;
}

function parseProperties(body) {
  const props = [];
  const prop = /(?:\/\*\*([\s\S]*?)\*\/\s*)?readonly (\w+)(\?)?:\s*/g;
  let m;
  while ((m = prop.exec(body)) !== null) {
    // The type runs to the first `;` outside braces (map types span lines).
    let depth = 0;
    let i = prop.lastIndex;
    for (; i < body.length; i++) {
      const c = body[i];
      if (c === '{') depth++;
      else if (c === '}') depth--;
      else if (c === ';' && depth === 0) break;
    }
    const type = body.slice(prop.lastIndex, i).trim();
    const link = m[1] && /#(\w+) \w+#\w+\}/.exec(m[1]);
    props.push({
      name: link ? link[1] : m[2].replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
      camel: m[2],
      optional: m[3] === '?',
      type,
    });
    prop.lastIndex = i + 1;
  }
  return props;
}

// A schema node: {args: Map<name, {required, block: node|null}>}.
function buildNode(interfaces, interfaceName, seen) {
  const props = interfaces.get(interfaceName) || [];
  const args = new Map();
  for (const p of props) {
    let block = null;
    const refs = p.type.match(/\b[A-Z]\w*\b/g) || [];
    const nested = refs.find((r) => r !== interfaceName && interfaces.has(r) && !seen.has(r));
    if (nested) block = buildNode(interfaces, nested, new Set([...seen, nested]));
    args.set(p.name, { required: !p.optional, block });
  }
  return { args };
}

class SchemaIndex {
  constructor(resolveFrom) {
    this.resolveFrom = resolveFrom;
    this.providers = PROVIDERS;
    this.cache = new Map();
    this.fullIndex = new Map(); // provider -> Map<kind:tfType, dir>, built only when a guess misses
    this.versions = {};
  }

  libDir(provider) {
    const pkg = PROVIDERS[provider];
    if (!pkg) return null;
    const pkgJson = require.resolve(`${pkg}/package.json`, { paths: [this.resolveFrom] });
    if (!this.versions[provider]) {
      const meta = JSON.parse(fs.readFileSync(pkgJson, 'utf8'));
      const upstream = meta.cdktf.provider.name.replace(/^registry\.terraform\.io\//, '');
      this.versions[provider] = `${pkg}@${meta.version} (${upstream} ${meta.cdktf.provider.version})`;
    }
    return path.join(path.dirname(pkgJson), 'lib');
  }

  describe() {
    for (const provider of Object.keys(PROVIDERS)) this.libDir(provider);
    return Object.values(this.versions).join(', ');
  }

  // kind: 'resource' | 'data' | 'provider'. Returns a schema node, with `attributes` (every name
  // readable as type.name.ATTR: arguments and computed attributes), or null when unknown.
  lookup(kind, tfType) {
    const cacheKey = key(kind, tfType);
    if (!this.cache.has(cacheKey)) this.cache.set(cacheKey, this.load(kind, tfType));
    return this.cache.get(cacheKey);
  }

  load(kind, tfType) {
    const provider = tfType.split('_')[0];
    const lib = this.libDir(provider);
    if (!lib) return null;
    // Folder names follow the type: aws_db_instance -> db-instance, data "aws_x" -> data-aws-x.
    let guess = tfType.slice(provider.length + 1).replace(/_/g, '-');
    if (kind === 'data') guess = `data-${tfType.replace(/_/g, '-')}`;
    if (kind === 'provider') guess = 'provider';
    let file = this.declarationFile(lib, guess, kind, tfType);
    if (!file) {
      const dir = this.scan(provider, lib).get(key(kind, tfType));
      file = dir && path.join(lib, dir, 'index.d.ts');
    }
    if (!file) return null;
    const text = fs.readFileSync(file, 'utf8');
    const cls = new RegExp(
      `export declare class (\\w+) extends cdktf\\.${BASE_CLASS[kind]} \\{\\s*static readonly tfResourceType = "${tfType}"`,
    ).exec(text);
    if (!cls) return null;
    const interfaces = parseInterfaces(text);
    const configName = `${cls[1]}Config`;
    if (!interfaces.has(configName)) return null;
    const node = buildNode(interfaces, configName, new Set([configName]));
    node.attributes = new Set([...node.args.keys(), ...classGetters(text, cls.index)]);
    return node;
  }

  declarationFile(lib, dir, kind, tfType) {
    const file = path.join(lib, dir, 'index.d.ts');
    if (!fs.existsSync(file)) return null;
    const text = fs.readFileSync(file, 'utf8');
    const m = new RegExp(`extends cdktf\\.${BASE_CLASS[kind]} \\{\\s*static readonly tfResourceType = "([^"]+)"`).exec(text);
    return m && m[1] === tfType ? file : null;
  }

  // Slow path: read every declaration file of the provider once.
  scan(provider, lib) {
    if (this.fullIndex.has(provider)) return this.fullIndex.get(provider);
    const index = new Map();
    const head = /extends cdktf\.(TerraformResource|TerraformDataSource|TerraformProvider) \{\s*static readonly tfResourceType = "([^"]+)"/;
    for (const dir of fs.readdirSync(lib)) {
      const file = path.join(lib, dir, 'index.d.ts');
      if (!fs.existsSync(file)) continue;
      const m = head.exec(fs.readFileSync(file, 'utf8'));
      if (m) index.set(key(KIND_OF_BASE[m[1]], m[2]), dir);
    }
    this.fullIndex.set(provider, index);
    return index;
  }
}

const BASE_CLASS = { resource: 'TerraformResource', data: 'TerraformDataSource', provider: 'TerraformProvider' };
const KIND_OF_BASE = { TerraformResource: 'resource', TerraformDataSource: 'data', TerraformProvider: 'provider' };

// snake_case names of the getters of the class starting at `start` (computed attributes such as
// arn or primary_endpoint_address). cdktf adds `...Input` twins and renames clashing names with
// an `Attribute` suffix; both map back to the Terraform name.
function classGetters(text, start) {
  const open = text.indexOf('{', start);
  let depth = 1;
  let i = open + 1;
  while (i < text.length && depth > 0) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}') depth--;
    i++;
  }
  const names = new Set();
  for (const m of text.slice(open, i).matchAll(/\bget (\w+)\(\)/g)) {
    const camel = m[1].replace(/(Input|Attribute)$/, '');
    names.add(camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
  }
  return names;
}

function key(kind, tfType) {
  return `${kind}:${tfType}`;
}

module.exports = { SchemaIndex, parseInterfaces, PROVIDERS };
