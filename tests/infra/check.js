// Static checks of deploy/terraform without a terraform binary: parse, provider schema,
// references, the boot template's environment, SPEC facts and fmt layout; then the negative
// fixtures, each of which must be rejected by the check it targets.
// Usage: node check.js --binary PATH/uitgo [--root deploy/terraform] [--base REPO_ROOT]
'use strict';

const fs = require('fs');
const path = require('path');
const { loadTree, rel } = require('./lib/model');
const { SchemaIndex } = require('./lib/schema');
const { checkSchema } = require('./lib/check_schema');
const { checkReferences } = require('./lib/check_references');
const { checkEnvironment } = require('./lib/check_environment');
const { checkSpec } = require('./lib/check_spec');
const { checkLayout } = require('./lib/check_layout');

const TEMPLATE = 'modules/asg_service/user_data/backend.sh.tpl';

function checkParse(tree) {
  const problems = tree.parsed.filter((p) => p.error).map((p) => `${tree.relName(p.file)}: ${p.error}`);
  return { problems, summary: `${tree.parsed.length} files in ${tree.modules.size} modules` };
}

const CHECKS = {
  parse: async (t) => checkParse(t),
  schema: async (t) => checkSchema(t),
  references: async (t) => checkReferences(t),
  environment: async (t) => checkEnvironment(t),
  spec: async (t) => checkSpec(t),
  layout: async (t) => checkLayout(t),
};

async function makeTree(root, base, shared) {
  const { modules, parsed } = await loadTree(root);
  return { root, base, modules, parsed, relName: (f) => rel(f, base), ...shared };
}

function args(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  return out;
}

// A fixture states the check it must fail and a piece of the expected message on its first line:
// `# expect: <check>: <text>`.
function expectation(file) {
  const first = fs.readFileSync(file, 'utf8').split('\n')[0];
  const m = /^#\s*expect:\s*(\w+):\s*(.+)$/.exec(first);
  if (!m) throw new Error(`${file}: first line must be "# expect: <check>: <text>"`);
  return { check: m[1], text: m[2].trim() };
}

async function runFixtures(dir, base, shared) {
  const results = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.name.startsWith('bad_')) continue;
    const full = path.join(dir, entry.name);
    let tree;
    let expectFile;
    if (entry.isDirectory()) {
      expectFile = path.join(full, 'main.tf');
      tree = await makeTree(full, base, shared);
    } else if (entry.name.endsWith('.tpl')) {
      expectFile = full;
      tree = { ...shared, base, template: full, templateName: rel(full, base) };
    } else {
      // One .tf file: a module of its own, loaded from a scratch folder.
      const scratch = fs.mkdtempSync(path.join(require('os').tmpdir(), 'uitgo-infra-'));
      fs.copyFileSync(full, path.join(scratch, entry.name));
      expectFile = full;
      tree = await makeTree(scratch, scratch, shared);
      tree.cleanup = () => fs.rmSync(scratch, { recursive: true, force: true });
    }
    const { check, text } = expectation(expectFile);
    let outcome;
    try {
      const result = await CHECKS[check](tree);
      const hit = result.problems.find((p) => p.includes(text));
      outcome = hit ? { ok: true, detail: hit } : { ok: false, detail: `${check} did not report "${text}" (got: ${result.problems.join(' | ') || 'no problem'})` };
    } catch (e) {
      outcome = { ok: false, detail: `${check} crashed: ${e.message}` };
    }
    if (tree.cleanup) tree.cleanup();
    results.push({ name: entry.name, check, ...outcome });
  }
  return results;
}

async function main() {
  const opts = args(process.argv.slice(2));
  const here = __dirname;
  const base = path.resolve(opts.base || path.join(here, '..', '..'));
  const root = path.resolve(opts.root || path.join(base, 'deploy', 'terraform'));
  if (!opts.binary) {
    console.error('usage: node check.js --binary PATH/uitgo [--root deploy/terraform] [--base REPO_ROOT]');
    process.exit(2);
  }
  const shared = {
    schema: new SchemaIndex(here),
    binary: path.resolve(opts.binary),
  };
  const tree = await makeTree(root, base, shared);
  tree.template = path.join(root, TEMPLATE);
  tree.templateName = rel(tree.template, base);

  let passed = 0;
  let failedChecks = 0;
  for (const [name, run] of Object.entries(CHECKS)) {
    let result;
    try {
      result = await run(tree);
    } catch (e) {
      result = { problems: [`check crashed: ${e.message}`], summary: '' };
    }
    const ok = result.problems.length === 0;
    if (ok) passed++;
    else failedChecks++;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${name.padEnd(11)} ${ok ? result.summary : `${result.problems.length} problems`}`);
    for (const p of result.problems) console.log(`       ${p}`);
  }

  const fixtures = await runFixtures(path.join(here, 'fixtures'), base, shared);
  const missed = fixtures.filter((f) => !f.ok);
  const perCheck = Object.keys(CHECKS).map((c) => `${c} ${fixtures.filter((f) => f.check === c && f.ok).length}`);
  const uncovered = Object.keys(CHECKS).filter((c) => !fixtures.some((f) => f.check === c && f.ok));
  const fixturesOk = missed.length === 0 && uncovered.length === 0;
  if (fixturesOk) passed++;
  else failedChecks++;
  console.log(
    `${fixturesOk ? 'ok  ' : 'FAIL'} ${'fixtures'.padEnd(11)} ${fixtures.length - missed.length}/${fixtures.length} negative fixtures rejected as expected (${perCheck.join(', ')})`,
  );
  for (const f of missed) console.log(`       ${f.name}: ${f.detail}`);
  for (const c of uncovered) console.log(`       no fixture proves that the ${c} check can fail`);
  if (process.env.UITGO_INFRA_VERBOSE) for (const f of fixtures) console.log(`       ${f.name}: ${f.detail}`);

  console.log(`${passed} passed, ${failedChecks} failed`);
  process.exit(failedChecks ? 1 : 0);
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});
