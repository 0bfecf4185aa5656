// Field types shared by the parts of the config schema: CIDRs, numbers and booleans that may
// arrive as strings, enums and names with readable errors.
import { z } from "zod";
import { isIpv4Cidr } from "../cidr";
import { isQuantity, quantityValue } from "../quantity";

export const cidr = (what: string) =>
    z
        .string({ error: `must be an IPv4 CIDR (${what})` })
        .refine(isIpv4Cidr, { abort: true, error: (iss) => `${JSON.stringify(iss.input)} is not a valid IPv4 CIDR` });

/** Top-level scalars arrive from `pulumi config` as strings; nested values arrive typed. */
export const int = (min: number, max: number) =>
    z.preprocess(
        (v) => (typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : v),
        z
            .number({ error: (iss) => `${JSON.stringify(iss.input)} is not a number` })
            .int({ error: (iss) => `${JSON.stringify(iss.input)} is not a whole number` })
            .min(min, { error: (iss) => `${JSON.stringify(iss.input)} is below the minimum ${min}` })
            .max(max, { error: (iss) => `${JSON.stringify(iss.input)} is above the maximum ${max}` }),
    );

export const bool = () =>
    z.preprocess(
        (v) => (v === "true" ? true : v === "false" ? false : v),
        z.boolean({ error: (iss) => `${JSON.stringify(iss.input)} is not true or false` }),
    );

export const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
    z.enum(values, { error: (iss) => `${JSON.stringify(iss.input)} is not one of ${values.join(", ")}` });

export const dnsLabel = z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,18}[a-z0-9]$/, {
        error: (iss) => `${JSON.stringify(iss.input)} must be 2-20 lowercase letters, digits or hyphens, starting with a letter`,
    });

/** CloudWatch Logs accepts only these retention periods. */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const retentionDays = z.preprocess(
    (v) => (typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v),
    z.number().refine((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n), {
        error: (iss) => `${JSON.stringify(iss.input)} is not a CloudWatch Logs retention period (${LOG_RETENTION_DAYS.join(", ")})`,
    }),
);

/** A Kubernetes quantity by its real grammar ("250m", "1.5Gi", "2Ti", "1G", "500M", "1e3"), not negative. */
export const quantity = z.string().refine((q) => isQuantity(q) && !q.startsWith("-"), {
    error: (iss) => `${JSON.stringify(iss.input)} is not a Kubernetes quantity such as "100m", "512Mi" or "2G"`,
});
export const reserved = z.strictObject({ cpu: quantity, memory: quantity, "ephemeral-storage": quantity.optional() });

export { quantityValue };
