/**
 * How much of a budget is committed or spent: a bar for the eye (SVG, so it needs no inline
 * style under the CSP, and is hidden from screen readers) and the percentage in words.
 */
export function UtilisationBar({ used, budget }: { used: number; budget: number }) {
  const percent = budget > 0 ? Math.round((used * 100) / budget) : used > 0 ? 100 : 0;
  const width = Math.max(0, Math.min(100, percent));
  const tone = percent >= 100 ? "full" : percent >= 85 ? "high" : "normal";
  return (
    <span className="utilisation">
      <svg className="utilisation__bar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true" focusable="false">
        <rect className="utilisation__track" width="100" height="8" rx="2" />
        <rect className={`utilisation__fill utilisation__fill--${tone}`} width={width} height="8" rx="2" />
      </svg>
      <span className="utilisation__value">{percent}% used</span>
    </span>
  );
}
