import type { ReactNode, SelectHTMLAttributes } from "react";
import { FieldErrors } from "./forms";

/** A labelled select with its hint and errors, wired like `Field`. */
export function SelectField({
  label,
  selectProps,
  options,
  errors,
  errorId,
  hint,
  hintId,
}: {
  label: ReactNode;
  selectProps: SelectHTMLAttributes<HTMLSelectElement> & { id: string };
  options: readonly { value: string; label: string }[];
  errors?: string[];
  errorId?: string;
  hint?: ReactNode;
  hintId?: string;
}) {
  const describedBy = [hint ? hintId : undefined, errors?.length ? errorId : undefined].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={selectProps.id}>{label}</label>
      {hint ? (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      <select {...selectProps} aria-describedby={describedBy}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <FieldErrors errors={errors} id={errorId} />
    </div>
  );
}
