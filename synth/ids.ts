// Deterministic fake cloud ids: the same program gives the same values.
import { createHash } from "crypto";

export const hex = (seed: string, length = 17): string => createHash("sha256").update(seed).digest("hex").slice(0, length);
export const fakeId = (prefix: string, seed: string): string => `${prefix}-${hex(seed)}`;

export const uuidOf = (seed: string): string => {
    const h = hex(seed, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
