import { useEffect, useState } from "react";
import type { Toast } from "~/utils/toast.server";

/** The message carried over a redirect. Shown without JavaScript; dismissible with it. */
export function ToastMessage({ toast }: { toast: Toast | null }) {
  const [visible, setVisible] = useState(true);
  useEffect(() => setVisible(true), [toast]);
  if (!toast || !visible) return null;
  return (
    <div className={`toast toast--${toast.kind}`} role={toast.kind === "error" ? "alert" : "status"}>
      <span>{toast.message}</span>
      <button type="button" onClick={() => setVisible(false)} aria-label="Dismiss message">
        ×
      </button>
    </div>
  );
}
