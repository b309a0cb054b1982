/**
 * The value of one entry, fetched on demand: a collapsible tree (the first
 * level open), with a button that copies the whole (truncated) value as text.
 *
 * @module
 */
import { useState } from 'preact/hooks';
import type { ValuePreview } from '../../../src/devtools/preview.js';
import type { ValueView as Value } from './client.js';
import { formatClock, previewToText } from './format.js';

type Children = Array<[string | null, ValuePreview]>;

/** The children of a container preview, with their labels, and how many were cut. */
function childrenOf(preview: ValuePreview): { children: Children; more: number; head: string } | undefined {
  switch (preview.t) {
    case 'array':
      return { children: preview.items.map((item, i) => [String(i), item]), more: preview.length - preview.items.length, head: `Array(${preview.length})` };
    case 'set':
      return { children: preview.items.map((item) => [null, item]), more: preview.size - preview.items.length, head: `Set(${preview.size})` };
    case 'map':
      return { children: preview.entries.map(([k, v]) => [previewToText(k), v]), more: preview.size - preview.entries.length, head: `Map(${preview.size})` };
    case 'object': {
      const head = preview.className === 'Object' ? `{${preview.size}}` : `${preview.className} {${preview.size}}`;
      return { children: preview.entries.map(([k, v]) => [/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k), v]), more: preview.size - preview.entries.length, head };
    }
    default:
      return undefined;
  }
}

function Node({ label, preview, depth }: { label: string | null; preview: ValuePreview; depth: number }) {
  const container = childrenOf(preview);
  const name = label === null ? null : <span class="tree-key">{label}</span>;
  if (!container || container.children.length === 0) {
    return (
      <div class="tree-leaf">
        {name}
        {name && ': '}
        <span class={`tree-value t-${preview.t}`}>{container ? container.head : previewToText(preview)}</span>
      </div>
    );
  }
  return (
    <details class="tree-node" open={depth < 1} data-depth={depth}>
      <summary>
        {name}
        {name && ': '}
        <span class="tree-head">{container.head}</span>
      </summary>
      <div class="tree-children">
        {container.children.map(([key, child], i) => (
          <Node key={i} label={key} preview={child} depth={depth + 1} />
        ))}
        {container.more > 0 && <div class="tree-leaf more">… {container.more} more</div>}
      </div>
    </details>
  );
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Not focused, or no permission: the old way still works in extension pages.
    const area = document.createElement('textarea');
    area.value = text;
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

/** The value pane. */
export function ValueView({ value, onClose }: { value: Value; onClose: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  let message: string | null = null;
  if (value.status === 'loading') message = 'Loading…';
  else if (value.status === 'error') message = value.error ?? 'Failed.';
  else if (!value.preview) message = value.found ? '' : 'No readable value under this key (absent, or stored in a format this region cannot read).';
  const preview = value.status === 'loaded' ? value.preview : null;
  return (
    <section class="value" data-testid="value">
      <div class="toolbar">
        <h2>
          Value of <code>{value.key}</code>
          {value.created !== null && <span class="count"> created {formatClock(value.created)}</span>}
        </h2>
        <span>
          {copied && (
            <span class="count" data-testid="copied">
              {copied}
            </span>
          )}{' '}
          <button
            type="button"
            data-action="copy"
            disabled={!preview}
            onClick={() => {
              if (!preview) return;
              const text = previewToText(preview);
              void copyText(text).then((ok) => setCopied(ok ? `Copied ${text.length} characters.` : 'Copying failed.'));
            }}
          >
            Copy
          </button>{' '}
          <button type="button" onClick={onClose}>
            Close
          </button>
        </span>
      </div>
      <div class="tree">{message !== null ? <pre>{message}</pre> : preview && <Node label={null} preview={preview} depth={0} />}</div>
    </section>
  );
}
