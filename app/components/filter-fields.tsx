// The fields of a GET filter form (reports, exports, the audit log): a labelled input or select with
// its error beside it and tied to it for screen readers.
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

type SelectProps = { id: string; name: string; label: string; value: string; error?: string } & (
  | { children: ReactNode }
  /** A list of choices after an empty one that means "any" (`anyLabel`). */
  | { anyLabel: string; options: readonly { value: string | number; label: string }[] }
);

export function FilterSelect(props: SelectProps) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} name={props.name} defaultValue={props.value} aria-invalid={props.error ? true : undefined} aria-describedby={props.error ? `${props.id}-error` : undefined}>
        {"options" in props ? (
          <>
            <option value="">{props.anyLabel}</option>
            {props.options.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </>
        ) : (
          props.children
        )}
      </select>
      {props.error ? (
        <p className="field__error" id={`${props.id}-error`}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}
