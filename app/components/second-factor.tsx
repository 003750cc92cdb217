/** The QR code (an SVG rendered on the server) and the same key as text, for apps that cannot scan. */
export function EnrolmentInstructions({ svg, secret }: { svg: string; secret: string }) {
  return (
    <ol className="steps">
      <li>
        Open an authenticator app on your phone (Microsoft Authenticator, Google Authenticator, 1Password or similar) and add an account.
      </li>
      <li>
        Scan this code:
        {/* An image, not markup: whatever the SVG held could not run or reach the page (it is also checked to be paths only on the server). */}
        <img className="qr-code" src={`data:image/svg+xml;base64,${btoa(svg)}`} alt="QR code for your authenticator app" width={192} height={192} />
        or type this key: <code className="factor-secret" data-testid="factor-secret">{secret}</code>
      </li>
      <li>Type the 6-digit code the app shows below.</li>
    </ol>
  );
}

/** Ten one-time recovery codes, shown once. */
export function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <>
      <p>
        Keep these recovery codes somewhere safe (a password manager, or printed and locked away). Each signs you in once if you lose
        your phone. <strong>They are shown only now.</strong>
      </p>
      <ul className="recovery-codes" data-testid="recovery-codes" aria-label="Recovery codes">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
    </>
  );
}
