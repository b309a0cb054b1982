// The layout rules of the thin core (DESIGN.md "Layers"), checked on the
// sources: no import circles (type-only and dynamic imports included), a thin
// region.ts, region stats written only by the recorder, the stampede wait only
// in src/lock/, one base for both browser backends, and the worker's method
// list declared once. Each failure names the file and line that break a rule.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCircular, parseDependencyTree, type DependencyTree } from 'dpdm';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { SOURCE_ENTRIES } from '../../scripts/bundle-size.mjs';
import { emptyStats } from '../../src/events.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };

/** Source files of src/ (not tests), as paths from the repository root with `/`. */
function sourceFiles(dir = 'src'): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const files = sourceFiles();
const read = (file: string): string => readFileSync(join(root, file), 'utf8');

const parsed = new Map<string, ts.SourceFile>();
function sourceFile(file: string): ts.SourceFile {
  let source = parsed.get(file);
  if (!source) {
    source = ts.createSourceFile(file, read(file), ts.ScriptTarget.Latest, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
    parsed.set(file, source);
  }
  return source;
}

/** `file:line` of a node. */
function at(node: ts.Node): string {
  const source = node.getSourceFile();
  return `${source.fileName}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
}

/** Every node of a file, depth first. */
function* nodes(file: string): Generator<ts.Node> {
  const stack: ts.Node[] = [sourceFile(file)];
  while (stack.length) {
    const node = stack.pop()!;
    yield node;
    const children: ts.Node[] = [];
    ts.forEachChild(node, (child) => {
      children.push(child);
    });
    stack.push(...children.reverse());
  }
}

/** The name of a declaration, when it has a plain one. */
function nameOf(node: ts.Node): string | undefined {
  const name = (node as { name?: ts.Node }).name;
  return name && (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name)) ? name.text : undefined;
}

/** The public entries mapped to their sources (package.json `exports`, through the bench's table), plus every index.ts. */
function entries(): string[] {
  const fromExports = Object.keys(pkg.exports)
    .map((subpath) => SOURCE_ENTRIES[subpath === '.' ? 'dogpile-cache' : `dogpile-cache/${subpath.slice(2)}`])
    .filter((entry): entry is string => entry !== undefined)
    .map((entry) => `src/${entry}`);
  return [...new Set([...fromExports, ...files.filter((file) => file.endsWith('/index.ts'))])].filter((file) => existsSync(join(root, file)));
}

describe('source layout (DESIGN.md "Layers")', () => {
  it('has no import circles in src/ (dpdm; type-only and dynamic imports count)', async () => {
    const entryFiles = entries();
    expect(entryFiles, 'src/index.ts is missing').toContain('src/index.ts');
    // The entries, then every other module, so a module no entry reaches is checked too.
    const tree: DependencyTree = await parseDependencyTree([...entryFiles, ...files.filter((file) => !entryFiles.includes(file))], {
      context: root,
      tsconfig: join(root, 'tsconfig.json'),
      transform: false, // keep `import type`: a type-only circle is still a circle between modules
      skipDynamicImports: false,
      exclude: /node_modules|\.test\.tsx?$/,
    });
    const circles = new Map<string, string[]>();
    for (const circle of parseCircular(tree, false)) {
      const key = circle.join(' -> ');
      if (circles.has(key)) continue;
      // Each edge of the circle, with the importing line(s).
      const edges = circle.map((issuer, i) => {
        const target = circle[(i + 1) % circle.length]!;
        const lines = read(issuer).split('\n');
        const requests = new Set((tree[issuer] ?? []).filter((dependency) => dependency.id === target).map((dependency) => dependency.request));
        const where = lines.flatMap((line, n) =>
          [...requests].some((request) => line.includes(`'${request}'`) || line.includes(`"${request}"`))
            ? [`${issuer}:${n + 1}${/^\s*(import|export) type\b/.test(line) ? ' (type-only)' : /\bimport\(/.test(line) ? ' (dynamic import())' : ''}`]
            : [],
        );
        return `${issuer} imports ${target} at ${where.join(', ') || '(line not found)'}`;
      });
      circles.set(key, edges);
    }
    const report = [...circles].map(([key, edges]) => `circle ${key} -> ${key.split(' -> ')[0]}:\n    ${edges.join('\n    ')}`);
    expect(report.length, `${circles.size} import circle(s) in src/ (entries: ${entryFiles.join(', ')}):\n  ${report.join('\n  ')}`).toBe(0);
  }, 60_000);

  it('keeps src/region/region.ts at most 420 lines (target about 400)', () => {
    const file = 'src/region/region.ts';
    expect(existsSync(join(root, file)), `${file} does not exist`).toBe(true);
    const lines = read(file).replace(/\n$/, '').split('\n').length;
    expect(lines, `${file} has ${lines} lines: over the limit of 420 by ${lines - 420}`).toBeLessThanOrEqual(420);
  });

  it('writes the region stats only in src/region/recorder.ts', () => {
    const counters = new Set(Object.keys(emptyStats()));
    const recorder = 'src/region/recorder.ts';
    const problems: string[] = [];
    if (!existsSync(join(root, recorder))) problems.push(`${recorder} does not exist`);
    // A write of a counter (`++`, `--`, `=`, `+=`, ...) on something named stats: `this.#stats.hits++`, `r.stats().sets += n`.
    const counterOnStats = (node: ts.Node): node is ts.PropertyAccessExpression =>
      ts.isPropertyAccessExpression(node) && counters.has(node.name.text) && /stats/i.test(node.expression.getText());
    for (const file of files.filter((candidate) => candidate !== recorder)) {
      const inRegion = file.startsWith('src/region/');
      for (const node of nodes(file)) {
        let target: ts.Node | undefined;
        if ((ts.isPostfixUnaryExpression(node) || ts.isPrefixUnaryExpression(node)) && (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)) target = node.operand;
        else if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) target = node.left;
        if (target && counterOnStats(target)) {
          problems.push(`${at(node)}: \`${node.getText()}\` writes a region counter outside ${recorder}`);
          continue;
        }
        // In src/region/, the stats object itself belongs to the recorder: no `#stats` field elsewhere
        // (reading the recorder's snapshot, a copy, is how the region's `stats` getter answers).
        if (!inRegion) continue;
        if (ts.isPrivateIdentifier(node) && node.text === '#stats' && !(ts.isPropertyAccessExpression(node.parent) && node.parent.parent && counterOnStats(node.parent.parent))) {
          problems.push(`${at(node)}: \`${node.parent.getText().split('\n')[0]}\` keeps the region's stats outside ${recorder}`);
        }
      }
    }
    expect(problems.length, `region stats touched outside ${recorder} (${problems.length}):\n  ${problems.join('\n  ')}`).toBe(0);
  });

  it('uses waitUntilFree only in src/lock/ (a mutex delegating its own waitUntilFree excepted)', () => {
    const problems: string[] = [];
    for (const file of files.filter((candidate) => !candidate.startsWith('src/lock/'))) {
      for (const node of nodes(file)) {
        const use =
          (ts.isPropertyAccessExpression(node) && node.name.text === 'waitUntilFree') ||
          (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression) && node.argumentExpression.text === 'waitUntilFree') ||
          (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'waitUntilFree') ||
          (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.InKeyword && ts.isStringLiteralLike(node.left) && node.left.text === 'waitUntilFree');
        if (!use) continue;
        // A mutex implementing waitUntilFree by calling an inner mutex's is part of the mutex, not a wait path.
        let scope: ts.Node | undefined = node.parent;
        while (scope && !ts.isFunctionLike(scope)) scope = scope.parent;
        if (scope && nameOf(scope) === 'waitUntilFree') continue;
        const statement = node.getText().split('\n')[0];
        problems.push(`${at(node)}: \`${statement}\` ${ts.isCallExpression(node) || ts.isCallExpression(node.parent) ? 'calls' : 'reaches'} waitUntilFree outside src/lock/`);
      }
    }
    expect(problems.length, `the stampede wait belongs in src/lock/; waitUntilFree used elsewhere (${problems.length}):\n  ${problems.join('\n  ')}`).toBe(0);
  });

  it('derives both browser backends from one base in src/browser/shared-backend.ts', () => {
    const base = 'src/browser/shared-backend.ts';
    const backends = [
      { file: 'src/browser/indexeddb/backend.ts', class: 'IndexedDBBackend' },
      { file: 'src/browser/local-storage/backend.ts', class: 'LocalStorageBackend' },
    ];
    /** Where a class is declared today, to say where a backend still is. */
    const declaredAt = (name: string): string | undefined => {
      for (const file of files) for (const node of nodes(file)) if (ts.isClassDeclaration(node) && node.name?.text === name) return at(node);
      return undefined;
    };
    const problems: string[] = [];
    const baseClasses = existsSync(join(root, base))
      ? [...nodes(base)].filter((node): node is ts.ClassDeclaration => ts.isClassDeclaration(node) && !!node.name && !!node.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)).map((node) => node.name!.text)
      : [];
    if (!existsSync(join(root, base))) problems.push(`${base} does not exist`);
    const extended: Array<{ file: string; base: string }> = [];
    for (const backend of backends) {
      if (!existsSync(join(root, backend.file))) {
        const now = declaredAt(backend.class);
        problems.push(`${backend.file} does not exist${now ? ` (class ${backend.class} is at ${now})` : ''}`);
        continue;
      }
      // Local names imported from ../shared-backend.js, to the names it exports.
      const imported = new Map<string, string>();
      for (const node of nodes(backend.file)) {
        if (!ts.isImportDeclaration(node) || !ts.isStringLiteral(node.moduleSpecifier) || node.moduleSpecifier.text !== '../shared-backend.js') continue;
        const bindings = node.importClause?.namedBindings;
        if (bindings && ts.isNamedImports(bindings)) for (const element of bindings.elements) imported.set(element.name.text, (element.propertyName ?? element.name).text);
      }
      const classes = [...nodes(backend.file)].filter((node): node is ts.ClassDeclaration => ts.isClassDeclaration(node) && !!node.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword));
      const found = classes.flatMap((node) => {
        const heritage = node.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
        const local = heritage && ts.isIdentifier(heritage) ? heritage.text : undefined;
        return local && imported.has(local) ? [{ file: backend.file, base: imported.get(local)! }] : [];
      });
      if (found.length === 0) {
        const described = classes.map((node) => `${at(node)} class ${node.name?.text ?? '(anonymous)'}${node.heritageClauses ? ` ${node.heritageClauses.map((clause) => clause.getText()).join(' ')}` : ''}`);
        problems.push(`${backend.file}: no exported class extends a class imported from '../shared-backend.js'${described.length ? `; found ${described.join('; ')}` : ''}`);
      }
      extended.push(...found);
    }
    const bases = [...new Set(extended.map((entry) => entry.base))];
    if (bases.length > 1) problems.push(`the backends extend different classes: ${extended.map((entry) => `${entry.file} extends ${entry.base}`).join(', ')}`);
    for (const name of bases) if (existsSync(join(root, base)) && !baseClasses.includes(name)) problems.push(`${base} does not export a class ${name} (it exports: ${baseClasses.join(', ') || 'no class'})`);
    expect(problems.length, `the browser backends do not share one base (${problems.length}):\n  ${problems.join('\n  ')}`).toBe(0);
  });

  it('declares the worker API once, in src/worker/methods.ts', () => {
    const methods = 'src/worker/methods.ts';
    const problems: string[] = [];
    if (!existsSync(join(root, methods))) problems.push(`${methods} does not exist`);
    else if (![...nodes(methods)].some((node) => nameOf(node) === 'getOrCreateMulti' || (ts.isStringLiteral(node) && node.text === 'getOrCreateMulti'))) {
      problems.push(`${methods} does not list getOrCreateMulti`);
    }
    // Another interface or type spelling the method out is a second declaration of the API (HostApi, RegionClient, ...).
    for (const file of files.filter((candidate) => candidate.startsWith('src/worker/') && candidate !== methods)) {
      for (const node of nodes(file)) {
        if ((ts.isMethodSignature(node) || ts.isPropertySignature(node)) && nameOf(node) === 'getOrCreateMulti') {
          const owner = ts.isInterfaceDeclaration(node.parent) ? `interface ${node.parent.name.text}` : ts.isTypeLiteralNode(node.parent) && ts.isTypeAliasDeclaration(node.parent.parent) ? `type ${node.parent.parent.name.text}` : 'a type literal';
          problems.push(`${at(node)}: ${owner} declares getOrCreateMulti again (derive it from ${methods})`);
        }
      }
    }
    expect(problems.length, `the worker API is declared more than once (${problems.length}):\n  ${problems.join('\n  ')}`).toBe(0);
  });
});
