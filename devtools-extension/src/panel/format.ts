/**
 * Formatting for the panel: durations, sizes, times. Pure functions.
 *
 * @module
 */
import type { ValuePreview } from '../../../src/devtools/preview.js';

/** "1.2 s", "3 min", "2 h", "4 d"; negative durations read as "0 ms". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '∞';
  const abs = Math.max(0, ms);
  if (abs < 1000) return `${Math.round(abs)} ms`;
  if (abs < 60_000) return `${(abs / 1000).toFixed(abs < 10_000 ? 1 : 0)} s`;
  if (abs < 3_600_000) return `${Math.floor(abs / 60_000)} min ${Math.floor((abs % 60_000) / 1000)} s`;
  if (abs < 86_400_000) return `${Math.floor(abs / 3_600_000)} h ${Math.floor((abs % 3_600_000) / 60_000)} min`;
  return `${Math.floor(abs / 86_400_000)} d`;
}

/** "512 B", "1.5 KB", "2.0 MB". */
export function formatBytes(bytes: number | null, capped = false): string {
  if (bytes === null) return '—';
  const suffix = capped ? '+' : '';
  if (bytes < 1024) return `${bytes} B${suffix}`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB${suffix}`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB${suffix}`;
}

/** Wall-clock time with milliseconds, "12:03:04.567". */
export function formatClock(epochMs: number): string {
  const date = new Date(epochMs);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** An expiration time: "never" or a duration. */
export function formatExpiration(ms: number | null): string {
  return ms === null ? 'never' : formatDuration(ms);
}

/** Renders a value preview as indented text, JSON-like, marking what was cut. */
export function previewToText(preview: ValuePreview, indent = ''): string {
  const inner = `${indent}  `;
  const more = (shown: number, total: number) => (total > shown ? [`${inner}… ${total - shown} more`] : []);
  switch (preview.t) {
    case 'string':
      return JSON.stringify(preview.v) + (preview.length > preview.v.length ? ` … (${preview.length} chars)` : '');
    case 'number':
    case 'date':
      return preview.t === 'date' ? `Date(${preview.v})` : preview.v;
    case 'boolean':
      return String(preview.v);
    case 'null':
    case 'undefined':
      return preview.t;
    case 'bigint':
      return `${preview.v}n`;
    case 'symbol':
      return `Symbol(${preview.v})`;
    case 'function':
      return `ƒ ${preview.name || 'anonymous'}()`;
    case 'bytes':
      return `Bytes(${preview.length}) [${preview.head}${preview.length > 32 ? ' …' : ''}]`;
    case 'error':
      return `${preview.name}: ${preview.message}`;
    case 'circular':
      return '[Circular]';
    case 'getter':
      return '[Getter]';
    case 'unreadable':
      return `[Unreadable: ${preview.reason}]`;
    case 'truncated':
      return `${preview.className} {…${preview.size === null ? '' : ` ${preview.size} items`}}`;
    case 'array': {
      if (preview.length === 0) return '[]';
      const lines = preview.items.map((item) => `${inner}${previewToText(item, inner)}`);
      return `[\n${[...lines, ...more(preview.items.length, preview.length)].join(',\n')}\n${indent}]`;
    }
    case 'set': {
      const lines = preview.items.map((item) => `${inner}${previewToText(item, inner)}`);
      return `Set(${preview.size}) {\n${[...lines, ...more(preview.items.length, preview.size)].join(',\n')}\n${indent}}`;
    }
    case 'map': {
      const lines = preview.entries.map(([k, v]) => `${inner}${previewToText(k, inner)} => ${previewToText(v, inner)}`);
      return `Map(${preview.size}) {\n${[...lines, ...more(preview.entries.length, preview.size)].join(',\n')}\n${indent}}`;
    }
    case 'object': {
      const head = preview.className === 'Object' ? '' : `${preview.className} `;
      if (preview.size === 0) return `${head}{}`;
      const lines = preview.entries.map(([k, v]) => `${inner}${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${previewToText(v, inner)}`);
      return `${head}{\n${[...lines, ...more(preview.entries.length, preview.size)].join(',\n')}\n${indent}}`;
    }
  }
}
