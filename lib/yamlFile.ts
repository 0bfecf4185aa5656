// Large YAML files the checks read on every synth (the upstream CRDs, the chart snapshots' values):
// parsed once, then kept as JSON in .build/cache by path, size and modification time, so never stale.
// Calico's Installation CRD is 1.4 MB of YAML and kube-prometheus-stack's values.yaml 200 KB: their
// parse cost a synth of prod a second and tens of MiB; the JSON reads in milliseconds.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import * as YAML from "yaml";
import { REPO_ROOT } from "./layers";

const CACHE = path.join(REPO_ROOT, ".build", "cache", "yaml");

/** The YAML file's content, as `YAML.parse` gives it (from the cache when the file is unchanged). */
export function readYamlFile(file: string): unknown {
    const { size, mtimeMs } = fs.statSync(file);
    const cached = path.join(CACHE, `${createHash("sha256").update(path.resolve(file)).digest("hex").slice(0, 24)}-${size}-${Math.round(mtimeMs)}.json`);
    if (fs.existsSync(cached)) return JSON.parse(fs.readFileSync(cached, "utf8")) as unknown;
    const parsed = YAML.parse(fs.readFileSync(file, "utf8")) as unknown;
    const json = JSON.stringify(parsed);
    // Only what JSON keeps exactly (not `.inf` or `.nan`, which it would turn into null).
    if (json === undefined || !isDeepStrictEqual(JSON.parse(json), parsed)) return parsed;
    try {
        // Written whole, then renamed: a process reading beside this one sees all of it or nothing.
        fs.mkdirSync(CACHE, { recursive: true });
        const partial = `${cached}.${process.pid}`;
        fs.writeFileSync(partial, json);
        fs.renameSync(partial, cached);
    } catch {
        // A read-only checkout: parsed again next time.
    }
    return parsed;
}
