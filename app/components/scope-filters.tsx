// The filter fields shared by finance's reports, exports and the audit log: a labelled input or select with its
// error beside it, and the region and branch choice (finance only; a manager's scope is fixed).
import type { ReactNode } from "react";

export function FilterInput(props: { id: string; name: string; label: string; value: string; error?: string; hint?: string; type?: string; maxLength?: number; placeholder?: string }) {
  const describedBy = [props.error ? `${props.id}-error` : null, props.hint ? `${props.id}-hint` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.name}
        type={props.type ?? "text"}
        defaultValue={props.value}
        maxLength={props.maxLength}
        placeholder={props.placeholder}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy}
      />
      {props.error ? (
        <p className="field__error" id={`${props.id}-error`}>
          {props.error}
        </p>
      ) : null}
      {props.hint ? (
        <p className="field__hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

export function FilterSelect(props: { id: string; name: string; label: string; value: string; error?: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} name={props.name} defaultValue={props.value} aria-invalid={props.error ? true : undefined} aria-describedby={props.error ? `${props.id}-error` : undefined}>
        {props.children}
      </select>
      {props.error ? (
        <p className="field__error" id={`${props.id}-error`}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

export type ScopeChoice = {
  form: { region: string; branch: string };
  errors: { region?: string; branch?: string };
  regions: string[];
  branches: { code: string; name: string; region: string }[];
};

/** Region and branch selects for finance; nothing for a manager, whose reports cover their branch. */
export function ScopeFields({ idPrefix, scope }: { idPrefix: string; scope: ScopeChoice }) {
  if (scope.regions.length === 0) return null;
  return (
    <>
      <FilterSelect id={`${idPrefix}-region`} name="region" label="Region" value={scope.form.region} error={scope.errors.region}>
        <option value="">All regions</option>
        {scope.regions.map((region) => (
          <option key={region} value={region}>
            {region}
          </option>
        ))}
      </FilterSelect>
      <FilterSelect id={`${idPrefix}-branch`} name="branch" label="Branch" value={scope.form.branch} error={scope.errors.branch}>
        <option value="">All branches</option>
        {scope.branches.map((branch) => (
          <option key={branch.code} value={branch.code}>
            {branch.name} ({branch.region})
          </option>
        ))}
      </FilterSelect>
    </>
  );
}
