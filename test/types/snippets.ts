// Type-checks the code blocks of the documentation (README.md, docs/*.md)
// against the built package's declarations, one program per block, so that a
// block's imports (and the backend names they register through declaration
// merging) reach that block only.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const root = fileURLToPath(new URL('../..', import.meta.url));

/** Fence languages that are type-checked, and the file extension each one gets. */
export const COMPILED: ReadonlyMap<string, string> = new Map([['ts', '.ts'], ['tsx', '.tsx'], ['js', '.js'], ['jsx', '.jsx']]);
/** Fence languages that are not TypeScript on purpose: shell commands, file trees, output. */
export const NOT_COMPILED = new Set(['sh', 'bash', 'text']);

/**
 * What the snippets take as given: the app's own data and API, which no
 * snippet can import. Everything else a snippet uses it imports or declares.
 */
export const PRELUDE = `
interface User { id: number; name: string }
declare function fetchUser(id: number): Promise<User>;
`;

export interface Snippet {
  /** `README.md:20`: the file and line of the opening fence. */
  where: string;
  lang: string;
  code: string;
  /** Line of the block's first code line in its file (1-based). */
  firstLine: number;
}

/** Fence language given to an indented (unfenced) code block, which says nothing of what it holds. */
export const INDENTED = '(indented code block: fence it)';

/**
 * Every fenced block of a Markdown file, fences indented in lists included,
 * and every indented code block (4 spaces after a blank line, outside a list),
 * which gets the language {@link INDENTED} so that it cannot pass unnoticed.
 */
export function extractSnippets(markdown: string, file: string): Snippet[] {
  const snippets: Snippet[] = [];
  const lines = markdown.split('\n');
  let lastText = ''; // the last non-blank line outside code blocks
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^ {4}\S/.test(line) && lines[i - 1]?.trim() === '' && !/^(\s|[-*+] |\d+\. )/.test(lastText)) {
      const body: string[] = [];
      let j = i;
      while (j < lines.length && (/^ {4}/.test(lines[j]!) || lines[j]!.trim() === '')) body.push(lines[j++]!.slice(4));
      snippets.push({ where: `${file}:${i + 1}`, lang: INDENTED, code: body.join('\n').trimEnd() + '\n', firstLine: i + 1 });
      i = j - 1;
      continue;
    }
    if (line.trim() !== '') lastText = line;
    const open = /^( *)```(.*)$/.exec(line);
    if (!open) continue;
    const indent = open[1]!.length;
    const lang = open[2]!.trim().split(/\s/)[0]!; // the info string's first word: ```ts title="x" is ts
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^ *```\s*$/.test(lines[j]!)) body.push(lines[j++]!.slice(indent));
    if (j === lines.length) throw new Error(`${file}:${i + 1}: a code block that is never closed`);
    snippets.push({ where: `${file}:${i + 1}`, lang, code: body.join('\n') + '\n', firstLine: i + 2 });
    i = j;
  }
  return snippets;
}

/** The Markdown files whose snippets are checked: README.md and docs/*.md. */
export function documentationFiles(): string[] {
  const docs = existsSync(root + 'docs') ? readdirSync(root + 'docs').filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`) : [];
  return ['README.md', ...docs];
}

/** A block whose first line is a comment naming a worker script (`// cache-worker.ts: ...`) runs in a worker. */
export const WORKER_SCRIPT = /^\/\/ [\w./-]*worker\.[jt]s\b/;

function compilerOptions(code: string): ts.CompilerOptions {
  const preact = /from ['"](preact|preact\/[\w/-]+|preact-render-to-string|dogpile-cache\/preact)['"]/.test(code);
  const worker = WORKER_SCRIPT.test(code);
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    moduleDetection: ts.ModuleDetectionKind.Force, // every snippet is a module (top-level await)
    lib: worker ? ['lib.es2022.d.ts', 'lib.webworker.d.ts'] : ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    // Node for the server snippets; Vite's client types for import.meta.env (the apps are built with Vite).
    types: worker ? [] : ['node', 'vite/client'],
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    allowJs: true,
    checkJs: true,
    jsx: ts.JsxEmit.ReactJSX,
    jsxImportSource: preact ? 'preact' : 'react',
  };
}

/**
 * Globals of the DOM's `window` whose names are also ordinary variable names:
 * a snippet that forgets to declare `name` or `status` would otherwise
 * compile against `window.name` or `window.status`.
 */
export const ACCIDENTAL_GLOBALS = new Set([
  'blur', 'close', 'closed', 'event', 'external', 'find', 'focus', 'frames', 'length', 'name',
  'open', 'opener', 'origin', 'parent', 'print', 'screen', 'scroll', 'status', 'stop', 'top',
]);

/** Uses in `source` of an {@link ACCIDENTAL_GLOBALS} name that resolves to the default lib's global. */
function accidentalGlobals(program: ts.Program, source: ts.SourceFile): ts.Identifier[] {
  const checker = program.getTypeChecker();
  const found: ts.Identifier[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && ACCIDENTAL_GLOBALS.has(node.text)) {
      const symbol = ts.isShorthandPropertyAssignment(node.parent) ? checker.getShorthandAssignmentValueSymbol(node.parent) : checker.getSymbolAtLocation(node);
      const declarations = symbol?.declarations ?? [];
      const global = declarations.length > 0 && declarations.every((d) => (ts.isVariableDeclaration(d) || ts.isFunctionDeclaration(d)) && program.isSourceFileDefaultLibrary(d.getSourceFile()));
      if (global) found.push(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

// Declarations (lib, node_modules, dist) parsed once and shared by every program.
const parsed = new Map<string, ts.SourceFile | undefined>();

/**
 * Type-checks one snippet as a module of its own, beside the package (so
 * `dogpile-cache` resolves to the built package through its `exports`).
 * Returns the diagnostics, each as `README.md:LINE: error TSnnnn: message`.
 */
export function checkSnippet(snippet: Snippet): string[] {
  const ext = COMPILED.get(snippet.lang);
  if (!ext) throw new Error(`${snippet.where}: not a compiled language: ${snippet.lang}`);
  const dir = root + 'test/types/snippets/';
  const file = `${dir}snippet${ext}`;
  const prelude = `${dir}prelude.d.ts`;
  const virtual = new Map([[file, snippet.code], [prelude, PRELUDE]]);
  const options = compilerOptions(snippet.code);
  const host = ts.createCompilerHost(options, true);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (name) => virtual.has(name) || fileExists.call(host, name);
  host.readFile = (name) => virtual.get(name) ?? readFile.call(host, name);
  host.getSourceFile = (name, language, onError) => {
    const text = virtual.get(name);
    if (text !== undefined) return ts.createSourceFile(name, text, language, true);
    const key = `${name}\0${JSON.stringify(language)}`;
    if (!parsed.has(key)) parsed.set(key, getSourceFile.call(host, name, language, onError));
    return parsed.get(key);
  };
  const program = ts.createProgram({ rootNames: [prelude, file], options, host });
  const [doc] = snippet.where.split(':');
  const lineOf = (source: ts.SourceFile, position: number) => snippet.firstLine + source.getLineAndCharacterOfPosition(position).line;
  const errors = ts.getPreEmitDiagnostics(program).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (d.file?.fileName === file && d.start !== undefined) return `${doc}:${lineOf(d.file, d.start)}: error TS${d.code}: ${message}`;
    const at = d.file ? relative(root, d.file.fileName) : 'options';
    return `${snippet.where} (in ${at}): error TS${d.code}: ${message}`;
  });
  const source = program.getSourceFile(file)!;
  for (const use of accidentalGlobals(program, source)) {
    errors.push(`${doc}:${lineOf(source, use.getStart())}: error: '${use.text}' is the DOM's global window.${use.text} here: declare or import it in the snippet`);
  }
  return errors;
}

/** The snippets of every documentation file, read now. */
export function documentationSnippets(): Snippet[] {
  return documentationFiles().flatMap((file) => extractSnippets(readFileSync(root + file, 'utf8'), file));
}
