/**
 * What the panel says when the inspected page has no dogpile-cache inspector.
 *
 * @module
 */
import type { NotFoundReason } from './client.js';

const HEADLINES: Record<NotFoundReason, string> = {
  'no-inspector': 'The page runs no dogpile-cache inspector.',
  'no-content-script': 'The extension cannot reach this page.',
  'no-answer': 'The page announced an inspector but does not answer.',
};

/** The "no dogpile-cache found on this page" notice, with what to check. */
export function NotFound({ reason, detail, onRetry }: { reason: NotFoundReason; detail: string | null; onRetry: () => void }) {
  return (
    <section class="not-found" role="status" data-testid="not-found">
      <h2>No dogpile-cache found on this page</h2>
      <p>{HEADLINES[reason]}</p>
      {detail && <p class="detail">{detail}</p>}
      <p>Check that:</p>
      <ul>
        <li>
          the page imports <code>dogpile-cache/devtools</code> and calls <code>inspect(region, …)</code> (or{' '}
          <code>registerRegion(region)</code> and <code>installInspector()</code>) in its top frame;
        </li>
        <li>the page was loaded (or reloaded) after the extension was installed or updated;</li>
        <li>it is an http(s) page: file:, data: and sandboxed pages cannot be inspected;</li>
        <li>its console shows no error thrown while starting the cache.</li>
      </ul>
      <button type="button" onClick={onRetry}>
        Look again
      </button>
    </section>
  );
}
