/**
 * The value of one entry, fetched on demand and shown as truncated text.
 *
 * @module
 */
import type { ValueView as Value } from './client.js';
import { formatClock, previewToText } from './format.js';

/** The value pane. */
export function ValueView({ value, onClose }: { value: Value; onClose: () => void }) {
  let body: string;
  if (value.status === 'loading') body = 'Loading…';
  else if (value.status === 'error') body = value.error ?? 'Failed.';
  else if (!value.found) body = value.preview ? previewToText(value.preview) : 'No readable value under this key (absent, or stored in a format this region cannot read).';
  else body = value.preview ? previewToText(value.preview) : '';
  return (
    <section class="value" data-testid="value">
      <div class="toolbar">
        <h2>
          Value of <code>{value.key}</code>
          {value.created !== null && <span class="count"> created {formatClock(value.created)}</span>}
        </h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <pre>{body}</pre>
    </section>
  );
}
