/** The QR code (an SVG rendered on the server) and the same key as text, for apps that cannot scan. */
export function EnrolmentInstructions({ svg, secret }: { svg: string; secret: string }) {
  return (
    <ol className="steps">
      <li>
        Open an authenticator app on your phone (Microsoft Authenticator, Google Authenticator, 1Password or similar) and add an account.
      </li>
      <li>
        Scan this code:
        {/* qrcode renders this SVG on the server from the otpauth URI; it holds paths only. */}
        <span className="qr-code" role="img" aria-label="QR code for your authenticator app" dangerouslySetInnerHTML={{ __html: svg }} />
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
