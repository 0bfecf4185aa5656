// EC2 instance types as @pulumi/aws knows them: which families exist and which sizes each offers.
import * as aws from "@pulumi/aws";

/** Every instance type the AWS provider knows, e.g. "m6a.2xlarge". */
export const INSTANCE_TYPES: ReadonlySet<string> = new Set(Object.values(aws.ec2.InstanceType) as string[]);

const SIZES_BY_FAMILY = new Map<string, Set<string>>();
for (const type of INSTANCE_TYPES) {
    const [family, size] = type.split(".");
    if (!SIZES_BY_FAMILY.has(family)) SIZES_BY_FAMILY.set(family, new Set());
    SIZES_BY_FAMILY.get(family)?.add(size);
}

export const isInstanceFamily = (family: string): boolean => SIZES_BY_FAMILY.has(family);

/** The sizes a family offers ("medium", "xlarge", ...), or none for an unknown family. */
export const sizesOf = (family: string): ReadonlySet<string> => SIZES_BY_FAMILY.get(family) ?? new Set();

/** Graviton families (a "g" after the generation digit: m7g, c6gn, t4g) run arm64; the rest amd64. */
export const architectureOf = (family: string): "arm64" | "amd64" => (/^[a-z]+\d+g/.test(family) || family === "a1" ? "arm64" : "amd64");
