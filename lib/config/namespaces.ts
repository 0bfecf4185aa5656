// Which config keys an environment file may hold, outside the `platform:` schema: the settings of
// the AWS provider (every layer's default provider reads them from the same file). Anything else
// would be silently ignored by every layer, so it is a config error naming the key: a misspelt
// namespace (`platfrom:tier`), a layer project's namespace (`platform-network:...`, which
// `pulumi config set` writes inside a layer folder), or another provider's settings that no layer
// reads (the Kubernetes providers take the cluster layer's kubeconfig, not config).
import * as awsProviderConfig from "@pulumi/aws/config/vars";
import { LAYER_NAMES, projectOf } from "../layer";

export const NAMESPACE = "platform";
export const AWS_NAMESPACE = "aws";

/** Every setting of the pinned AWS provider (its generated `config/vars` module: one property per setting). */
export const AWS_PROVIDER_KEYS: ReadonlySet<string> = new Set(Object.keys(awsProviderConfig));

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let diagonal = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const above = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
            diagonal = above;
        }
    }
    return row[b.length];
}

/** The closest of `known` to `word`, when it is a plausible misspelling. */
export function closest(word: string, known: Iterable<string>): string | undefined {
    let best: { name: string; d: number } | undefined;
    for (const name of known) {
        const d = distance(word.toLowerCase(), name.toLowerCase());
        if (!best || d < best.d) best = { name, d };
    }
    return best && best.d <= Math.max(1, Math.floor(best.name.length / 3)) ? best.name : undefined;
}

/**
 * Why a key outside `platform:` is refused, or undefined for a setting of the AWS provider.
 * (`platform:` keys are checked against the schema by the loader.)
 */
export function foreignKeyProblem(key: string): string | undefined {
    const colon = key.indexOf(":");
    if (colon < 0) return `has no namespace: the environment's settings are ${NAMESPACE}:<key> (e.g. ${NAMESPACE}:${key})`;
    const namespace = key.slice(0, colon);
    const name = key.slice(colon + 1);
    if (namespace === AWS_NAMESPACE) {
        if (AWS_PROVIDER_KEYS.has(name)) return undefined;
        const guess = closest(name, AWS_PROVIDER_KEYS);
        return `is not a setting of the AWS provider${guess ? `: did you mean ${AWS_NAMESPACE}:${guess}?` : ""}`;
    }
    const layer = LAYER_NAMES.find((l) => projectOf(l) === namespace);
    if (layer) {
        return `is in the namespace of the ${layer} layer's project (what \`pulumi config set\` writes inside its folder), which no layer reads: the environment's settings are ${NAMESPACE}:${name}`;
    }
    const guess = closest(namespace, [NAMESPACE, AWS_NAMESPACE]);
    if (guess) return `"${namespace}" is not a namespace the platform reads: did you mean ${guess}:${name}?`;
    return `"${namespace}" is not a namespace the platform reads (only ${NAMESPACE}: and the AWS provider's ${AWS_NAMESPACE}: settings); nothing would use this key`;
}
