// Only the checks an async domain needs (decision 62): a promise nobody awaits, a promise where a
// boolean or a plain callback is expected, an await of something that is not a promise.
import tseslint from "typescript-eslint";

export default [
  { ignores: ["build/**", "public/build/**", ".cache/**", "node_modules/**"] },
  {
    files: ["app/**/*.{ts,tsx}", "db/**/*.ts", "tests/**/*.ts"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { project: "./tsconfig.json", tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@typescript-eslint": tseslint.plugin },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: false }],
      "@typescript-eslint/await-thenable": "error",
    },
  },
];
