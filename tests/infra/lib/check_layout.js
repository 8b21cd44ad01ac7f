// Check 6: `terraform fmt` layout, re-implemented after hclwrite's formatter (format.go) for the
// parts that matter to a reader:
//   - indentation: two spaces per open bracket level. A line whose brackets open more than they
//     close is indented at the current level and pushes one level; a line that closes more pops
//     the levels it closes before it is indented (so `})` and `}]` land on the opener's level).
//   - alignment: a run of consecutive lines that each hold a single-line attribute (`name = ...`
//     with brackets balanced from the `=` to the end of the line) has its `=` in one column, one
//     space after the longest name. Blank lines, comment lines, block openers, closers and
//     heredoc bodies end a run. Trailing comments of consecutive lines are aligned likewise.
//   - one space after `=`; no tabs, no trailing spaces; interpolation-only strings ("${x}") are
//     written as the bare expression, as terraform fmt rewrites them.
// Heredoc bodies are left alone, as terraform fmt does.
'use strict';

const OPEN = new Set(['{', '[', '(']);
const CLOSE = new Set(['}', ']', ')']);

// Splits one line (outside heredocs and block comments) into tokens {t, text, col}. Quoted
// strings, with their interpolations, are single tokens. Returns also the heredoc marker opened
// on the line and whether a block comment stays open.
function tokenize(line) {
  const tokens = [];
  let heredoc = null;
  let openComment = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === ' ') {
      i++;
      continue;
    }
    const col = i;
    if (c === '#' || line.startsWith('//', i)) {
      tokens.push({ t: 'comment', text: line.slice(i), col });
      break;
    }
    if (line.startsWith('/*', i)) {
      const end = line.indexOf('*/', i + 2);
      if (end < 0) {
        tokens.push({ t: 'comment', text: line.slice(i), col });
        openComment = true;
        break;
      }
      tokens.push({ t: 'comment', text: line.slice(i, end + 2), col });
      i = end + 2;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let depth = 0;
      while (j < line.length) {
        if (line[j] === '\\') j += 2;
        else if (depth === 0 && line[j] === '"') break;
        else if ((line[j] === '$' || line[j] === '%') && line[j + 1] === '{' && line[j - 1] !== line[j]) {
          depth++;
          j += 2;
        } else if (depth > 0 && line[j] === '}') {
          depth--;
          j++;
        } else if (depth > 0 && line[j] === '"') {
          // a string inside an interpolation
          j++;
          while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
          j++;
        } else j++;
      }
      tokens.push({ t: 'string', text: line.slice(i, j + 1), col });
      i = j + 1;
      continue;
    }
    const here = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)/.exec(line.slice(i));
    if (here) {
      tokens.push({ t: 'heredoc', text: here[0], col });
      heredoc = here[2];
      i += here[0].length;
      continue;
    }
    if (OPEN.has(c)) tokens.push({ t: 'open', text: c, col });
    else if (CLOSE.has(c)) tokens.push({ t: 'close', text: c, col });
    else if (c === '=' && !['=', '>'].includes(line[i + 1]) && !['=', '!', '<', '>'].includes(line[i - 1])) {
      tokens.push({ t: 'equal', text: c, col });
    } else {
      const word = /^[A-Za-z0-9_.*-]+|^./.exec(line.slice(i))[0];
      tokens.push({ t: 'other', text: word, col });
      i += word.length;
      continue;
    }
    i++;
  }
  return { tokens, heredoc, openComment };
}

const change = (tok) => (tok.t === 'open' ? 1 : tok.t === 'close' ? -1 : 0);

function checkText(name, text) {
  const problems = [];
  const lines = text.split('\n');
  if (text.length && !text.endsWith('\n')) problems.push(`${name}: no newline at the end of the file`);
  const indents = [];
  let heredoc = null;
  let inComment = false;
  let assignRun = [];
  let commentRun = [];
  const closeAssignRun = () => {
    if (assignRun.length) {
      const want = Math.max(...assignRun.map((l) => l.leadEnd)) + 1;
      for (const l of assignRun) {
        if (l.equalCol !== want) problems.push(`${name}:${l.n}: "=" in column ${l.equalCol + 1}, want ${want + 1} (aligned with the neighbouring attributes)`);
      }
    }
    assignRun = [];
  };
  const closeCommentRun = () => {
    if (commentRun.length) {
      const want = Math.max(...commentRun.map((l) => l.codeEnd)) + 1;
      for (const l of commentRun) {
        if (l.commentCol !== want) problems.push(`${name}:${l.n}: trailing comment in column ${l.commentCol + 1}, want ${want + 1}`);
      }
    }
    commentRun = [];
  };

  lines.forEach((line, index) => {
    const n = index + 1;
    if (index === lines.length - 1 && line === '') return;
    if (/\t/.test(line) && !heredoc) problems.push(`${name}:${n}: tab character`);
    if (/[ \t]+$/.test(line) && !heredoc) problems.push(`${name}:${n}: trailing whitespace`);
    if (heredoc) {
      if (line.trim() === heredoc) heredoc = null;
      closeAssignRun();
      closeCommentRun();
      return;
    }
    if (inComment) {
      if (line.includes('*/')) inComment = false;
      closeAssignRun();
      closeCommentRun();
      return;
    }
    const { tokens, heredoc: opened, openComment } = tokenize(line);
    if (openComment) inComment = true;
    if (tokens.length === 0) {
      closeAssignRun();
      closeCommentRun();
      return;
    }

    // Cells: lead, assign (from a top-level `=` with balanced brackets after it), comment.
    let code = tokens;
    let comment = null;
    if (tokens.length > 1 && tokens[tokens.length - 1].t === 'comment') {
      comment = tokens[tokens.length - 1];
      code = tokens.slice(0, -1);
    }
    let equalIndex = -1;
    const firstEqual = code.findIndex((t, k) => k > 0 && t.t === 'equal');
    if (firstEqual > 0 && code.slice(firstEqual).reduce((s, t) => s + change(t), 0) === 0) equalIndex = firstEqual;

    // Indentation.
    const net = code.reduce((s, t) => s + change(t), 0);
    if (net < 0) {
      let closed = -net;
      while (closed > 0 && indents.length) {
        const top = indents[indents.length - 1];
        if (closed > top) {
          closed -= top;
          indents.pop();
        } else if (closed < top) {
          indents[indents.length - 1] -= closed;
          closed = 0;
        } else {
          indents.pop();
          closed = 0;
        }
      }
    }
    const want = 2 * indents.length;
    const have = line.length - line.trimStart().length;
    if (have !== want) problems.push(`${name}:${n}: indented ${have} spaces, want ${want}`);
    if (net > 0) indents.push(net);

    // Alignment of `=`.
    if (equalIndex > 0) {
      const eq = code[equalIndex];
      const last = code[equalIndex - 1];
      assignRun.push({ n, equalCol: eq.col, leadEnd: last.col + last.text.length });
      const next = code[equalIndex + 1];
      if (next && next.col !== eq.col + 2) problems.push(`${name}:${n}: want exactly one space after "="`);
    } else closeAssignRun();

    // Alignment of trailing comments.
    if (comment) {
      const lastCode = code[code.length - 1];
      commentRun.push({ n, commentCol: comment.col, codeEnd: lastCode.col + lastCode.text.length });
    } else closeCommentRun();

    for (const t of code) {
      if (t.t === 'string' && /^"\$\{[^]*\}"$/.test(t.text) && isSingleInterpolation(t.text)) {
        problems.push(`${name}:${n}: interpolation-only string ${t.text}: write the expression without quotes`);
      }
    }
    if (opened) heredoc = opened;
  });
  closeAssignRun();
  closeCommentRun();
  return problems;
}

// "${a}" but not "${a}-${b}" or "${a}x".
function isSingleInterpolation(s) {
  let depth = 0;
  for (let i = 1; i < s.length - 1; i++) {
    if (s[i] === '$' && s[i + 1] === '{') {
      depth++;
      i++;
    } else if (s[i] === '{') depth++;
    else if (s[i] === '}') {
      depth--;
      if (depth === 0 && i !== s.length - 2) return false;
    }
  }
  return true;
}

function checkLayout(tree) {
  const problems = [];
  let lines = 0;
  for (const p of tree.parsed) {
    lines += p.text.split('\n').length - 1;
    problems.push(...checkText(tree.relName(p.file), p.text));
  }
  return { problems, summary: `${tree.parsed.length} files, ${lines} lines` };
}

module.exports = { checkLayout, checkText, tokenize };
