import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatMoney, MAX_MONEY, moneyInputText, parseMoney } from "~/domain/core/money";

const ok = (text: string, options?: Parameters<typeof parseMoney>[1]) => {
  const result = parseMoney(text, options);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to parse, got: ${result.message}`);
  return result.value;
};
const refused = (text: string, options?: Parameters<typeof parseMoney>[1]) => {
  const result = parseMoney(text, options);
  if (result.ok) throw new Error(`expected ${JSON.stringify(text)} to be refused, got ${result.value}`);
  return result.message;
};

describe("parseMoney: what people type becomes minor units", () => {
  it.each([
    ["12", 1200],
    ["12.5", 1250],
    ["12.50", 1250],
    ["1,234.56", 123456],
    ["1,234,567", 123456700],
    ["0.05", 5],
    ["0", 0],
    ["007.10", 710],
    ["12.", 1200],
    ["  42.00  ", 4200],
    ["1234.56", 123456],
  ])("%j is %i cents", (text, minor) => {
    expect(ok(text)).toBe(minor);
  });

  it("accepts a minus only where a negative makes sense", () => {
    expect(ok("-40", { allowNegative: true })).toBe(-4000);
    expect(ok("-1,234.5", { allowNegative: true })).toBe(-123450);
    expect(refused("-40")).toBe("The amount cannot be negative.");
    expect(refused("-0.01")).toBe("The amount cannot be negative.");
  });

  it("refuses more than two decimals", () => {
    expect(refused("12.345")).toBe("Use at most two decimals (cents).");
    expect(refused("0.001")).toBe("Use at most two decimals (cents).");
    expect(refused("1,234.567")).toBe("Use at most two decimals (cents).");
  });

  it("refuses exponents", () => {
    for (const text of ["1e3", "1E3", "1.5e2", "2e-2", "-1e3"]) {
      expect(refused(text, { allowNegative: true })).toMatch(/without an exponent/);
    }
  });

  it("refuses digits other than ASCII 0 to 9", () => {
    for (const text of ["١٢", "１２", "१२.५०", "12.٥٠", "۱۲"]) {
      expect(refused(text)).toBe("Use the digits 0 to 9 only.");
    }
  });

  it("refuses amounts beyond a sane maximum, and beyond a caller's own", () => {
    expect(ok("10,000,000")).toBe(MAX_MONEY);
    expect(refused("10,000,000.01")).toBe("The amount cannot be more than 10,000,000.00.");
    expect(refused("99999999999999999999")).toBe("The amount cannot be more than 10,000,000.00.");
    expect(refused("500.01", { max: 50_000 })).toBe("The amount cannot be more than 500.00.");
    expect(refused("9".repeat(40))).toBe("That is too long for an amount.");
  });

  it("reads a leading plus as a credit only where a signed amount is expected", () => {
    expect(ok("+40", { allowNegative: true })).toBe(4000);
    expect(ok("+ 1,234.50", { allowNegative: true })).toBe(123450);
    expect(refused("+40")).toBe("Enter an amount in digits, like 12, 12.50 or 1,234.56.");
    expect(refused("+-40", { allowNegative: true })).toBe("Enter an amount in digits, like 12, 12.50 or 1,234.56.");
    expect(refused("++40", { allowNegative: true })).toBe("Enter an amount in digits, like 12, 12.50 or 1,234.56.");
  });

  it("refuses zero when asked to", () => {
    expect(refused("0.00", { allowZero: false })).toBe("Enter an amount greater than zero.");
    expect(refused("-0", { allowNegative: true, allowZero: false })).toBe("Enter an amount other than zero.");
    expect(refused("+0.00", { allowNegative: true, allowZero: false })).toBe("Enter an amount other than zero.");
  });

  it("says what is wrong with anything else", () => {
    expect(refused("")).toBe("Enter an amount.");
    expect(refused("   ")).toBe("Enter an amount.");
    expect(refused("1,23")).toBe("Put commas only between groups of three digits, like 1,234.56.");
    expect(refused("12,34.5")).toBe("Put commas only between groups of three digits, like 1,234.56.");
    expect(refused(".5")).toBe("Write a 0 before the decimal point, like 0.50.");
    for (const text of ["abc", "$12", "12 000", "1.2.3", "+12", "12-", "--1", "0x10", "Infinity", "NaN", "12,50 €"]) {
      expect(refused(text)).toBe("Enter an amount in digits, like 12, 12.50 or 1,234.56.");
    }
  });

  it("round-trips every amount through its input text (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX_MONEY, max: MAX_MONEY }), (minor) => {
        expect(ok(moneyInputText(minor), { allowNegative: true })).toBe(minor);
      }),
      { numRuns: 2_000 },
    );
  });

  it("never returns anything but a safe integer or a message (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const result = parseMoney(text, { allowNegative: true });
        if (result.ok) expect(Number.isSafeInteger(result.value)).toBe(true);
        else expect(result.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe("formatMoney: minor units shown in the organisation's currency", () => {
  it("formats with the currency's symbol and separators", () => {
    expect(formatMoney(123456, "USD")).toBe("$1,234.56");
    expect(formatMoney(-4000, "USD")).toBe("-$40.00");
    expect(formatMoney(4000, "USD", { signed: true })).toBe("+$40.00");
    expect(formatMoney(0, "USD", { signed: true })).toBe("$0.00");
    expect(formatMoney(5, "EUR")).toBe("€0.05");
    expect(formatMoney(250000, "GBP")).toBe("£2,500.00");
  });
});
