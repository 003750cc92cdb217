import type { InputHTMLAttributes, ReactNode } from "react";

/** A labelled control with its hint and errors, wired for screen readers (aria-describedby). */
export function Field({
  label,
  inputProps,
  errors,
  errorId,
  hint,
  hintId,
}: {
  label: ReactNode;
  inputProps: InputHTMLAttributes<HTMLInputElement> & { id: string };
  errors?: string[];
  errorId?: string;
  hint?: ReactNode;
  hintId?: string;
}) {
  const ids = [hint ? hintId : undefined, errors?.length ? errorId : undefined, ...(inputProps["aria-describedby"]?.split(" ") ?? [])];
  const describedBy = [...new Set(ids.filter(Boolean))].join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={inputProps.id}>{label}</label>
      {hint ? (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      <input {...inputProps} aria-describedby={describedBy} />
      <FieldErrors errors={errors} id={errorId} />
    </div>
  );
}

export function FieldErrors({ errors, id }: { errors?: string[]; id?: string }) {
  if (!errors?.length) return null;
  return (
    <p className="field__error" id={id}>
      {errors.join(" ")}
    </p>
  );
}

/** Errors that belong to the whole form rather than one field. */
export function FormErrors({ errors, id }: { errors?: string[]; id?: string }) {
  if (!errors?.length) return null;
  return (
    <p className="form-error" id={id} role="alert">
      {errors.join(" ")}
    </p>
  );
}
