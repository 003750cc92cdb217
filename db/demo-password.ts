// The one password of every demo and scale-seed account (listed in the README).
export const DEMO_PASSWORD = "empathy-demo-2026";
