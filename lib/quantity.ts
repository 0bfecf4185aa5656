// Kubernetes resource quantities ("250m", "1.5Gi", "2Ti", "1G", "500M", "1e3") by their real grammar
// (k8s.io/apimachinery resource.Quantity; the same pattern the upstream CRDs carry):
//   <quantity> ::= <signedNumber><suffix>
//   <suffix>   ::= <binarySI> | <decimalExponent> | <decimalSI>
//   binarySI: Ki Mi Gi Ti Pi Ei; decimalSI: n u m "" k M G T P E; decimalExponent: e|E <signedNumber>
//   <number>   ::= <digits> | <digits>.<digits> | <digits>. | .<digits>

const NUMBER = String.raw`(?:\d+(?:\.\d*)?|\.\d+)`;
/** The grammar as one expression: sign, number, then a suffix or an exponent (a suffix wins: "1E" is one exa). */
export const QUANTITY = new RegExp(String.raw`^(?<sign>[+-])?(?<number>${NUMBER})(?:(?<binary>[KMGTPE]i)|(?<decimal>[numkMGTPE])|[eE](?<exponent>[+-]?${NUMBER}))?$`);

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

export const isQuantity = (q: string): boolean => QUANTITY.test(q);

/** The value of a quantity ("250m" = 0.25, "1Gi" = 2^30, "1G" = 10^9), for comparisons; throws on anything else. */
export function quantityValue(q: string): number {
    const m = QUANTITY.exec(q);
    if (!m?.groups) throw new Error(`"${q}" is not a Kubernetes quantity`);
    const { sign, number, binary, decimal, exponent } = m.groups;
    const magnitude = Number(number) * (binary ? BINARY[binary] : decimal ? DECIMAL[decimal] : exponent !== undefined ? 10 ** Number(exponent) : 1);
    return sign === "-" ? -magnitude : magnitude;
}

/** A binary (power-of-two) suffix: right for bytes, a mistake for CPU ("1Gi" of CPU is not a large number). */
export const isBinary = (q: string): boolean => QUANTITY.exec(q)?.groups?.binary !== undefined;
