// The workloads layer's applications (`platform:applications`): what each application runs and
// how, with the platform's recommended settings as defaults. Unsafe asks (privileged containers,
// the host's namespaces, root, `latest` images, no limits) are settings that only accept the safe
// value, so a rejection names the setting.
import { z } from "zod";
import { bool, dnsLabel, int, oneOf, quantity } from "./fields";

export const APPLICATION_KINDS = ["service", "stateful", "job", "cronjob"] as const;
export type ApplicationKind = (typeof APPLICATION_KINDS)[number];
export const SERVICE_TYPES = ["ClusterIP", "nlb"] as const;
export const CONCURRENCY_POLICIES = ["Forbid", "Replace", "Allow"] as const;

/** `<repo>:<tag>` or `<repo>@sha256:<digest>` (a registry host may carry a port). */
const IMAGE = /^(?<repo>[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._-]+[a-z0-9]+)*)*)(?::(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@sha256:(?<digest>[a-f0-9]{64}))?$/;

/** Why an image reference is not pinned, or undefined when it is. */
export function imageProblem(image: string): string | undefined {
    const match = IMAGE.exec(image);
    if (!match?.groups) return `${JSON.stringify(image)} is not an image reference such as "public.ecr.aws/nginx/nginx:1.27.3" or "<repo>@sha256:<digest>"`;
    const { tag, digest } = match.groups;
    if (tag === "latest") return `${JSON.stringify(image)} uses the "latest" tag, which is never pinned: use a fixed tag or a sha256 digest`;
    if (!tag && !digest) return `${JSON.stringify(image)} has no tag or digest (so it means "latest"): use a fixed tag or a sha256 digest`;
    return undefined;
}

const image = z.string().superRefine((value, ctx) => {
    const problem = imageProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** A setting that exists only to be refused: accepts false (the default) and names itself when true. */
const refused = (why: string) =>
    bool().default(false).refine((v) => v === false, { error: `must be false: ${why}` });

const computeResources = z.strictObject(
    { cpu: quantity.describe("CPU, e.g. \"250m\"."), memory: quantity.describe("Memory, e.g. \"256Mi\".") },
    { error: "is required: every container declares cpu and memory" },
);

const resources = z.strictObject(
    {
        requests: computeResources.describe("What the scheduler reserves for each container."),
        limits: computeResources.describe("The most each container may use (required: no container runs unbounded)."),
    },
    { error: "is required: every container declares its requests and limits (cpu, memory)" },
);

const path = z.string().regex(/^\/[\w./~%-]*$/, { error: (iss) => `${JSON.stringify(iss.input)} is not an absolute path such as "/healthz"` });
const port = int(1, 65535);

const probe = z
    .strictObject({
        http: z.strictObject({ path: path.describe("HTTP path."), port: port.optional().describe("Default: the application's port.") }).optional().describe("An HTTP GET check."),
        tcp: z.strictObject({ port: port.optional().describe("Default: the application's port.") }).optional().describe("A TCP connect check."),
        initialDelaySeconds: int(0, 3600).default(0).describe("Seconds before the first check."),
        periodSeconds: int(1, 300).default(10).describe("Seconds between checks."),
        timeoutSeconds: int(1, 60).default(2).describe("Seconds a check may take."),
        failureThreshold: int(1, 100).default(3).describe("Failed checks before the probe fails."),
    })
    .refine((p) => (p.http === undefined) !== (p.tcp === undefined), { error: "must set exactly one of http or tcp" });

export type ProbeSpec = z.output<typeof probe>;

const percentOrCount = z.union([int(0, 1000), z.string().regex(/^(100|[1-9]?\d)%$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a count or percentage such as "25%"` })]);

const statement = z.strictObject({
    effect: oneOf(["Allow", "Deny"] as const).default("Allow").describe("Allow or Deny."),
    actions: z.array(z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9*]+$/, { error: (iss) => `${JSON.stringify(iss.input)} is not an IAM action such as "s3:GetObject"` })).min(1).describe("IAM actions."),
    resources: z.array(z.string().regex(/^(\*|arn:aws[a-z-]*:.+)$/, { error: (iss) => `${JSON.stringify(iss.input)} is not an ARN or "*"` })).min(1).describe("Resource ARNs."),
});

const policyArn = z.string().regex(/^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/[\w+=,.@/-]+$/, { error: (iss) => `${JSON.stringify(iss.input)} is not an IAM policy ARN` });

const secretName = z.string().regex(/^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:)?[\w/+=.@-]+$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a Secrets Manager secret name or ARN` });

const priorityClassName = z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a PriorityClass name` });

const certificateArn = z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/, { error: (iss) => `${JSON.stringify(iss.input)} is not an ACM certificate ARN` });

export const applicationSchema = z.strictObject({
    name: dnsLabel.describe("Application name: the name of its workload, service account and every other object."),
    team: dnsLabel.describe("The owning team (one of `platform:access.teams`)."),
    namespace: dnsLabel.describe("Namespace (one of the team's namespaces)."),
    kind: oneOf(APPLICATION_KINDS).describe("`service` (Deployment), `stateful` (StatefulSet), `job` or `cronjob`."),
    image: image.describe("Image pinned by a fixed tag (`<repo>:<tag>`, never `latest`) or digest (`<repo>@sha256:<digest>`)."),
    command: z.array(z.string()).optional().describe("Entrypoint override."),
    args: z.array(z.string()).optional().describe("Arguments."),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).default({}).describe("Plain environment variables (never secrets: those are `secrets`)."),
    replicas: int(1, 1000).default(2).describe("Pods (`service`: the autoscaler's floor unless autoscaling.minReplicas; `stateful`: the set's size)."),
    resources: resources.describe("Requests and limits of the container (required)."),
    port: port.optional().describe("The container's port (required by `service` and `stateful`)."),
    probes: z
        .strictObject({
            readiness: probe.optional().describe("Default: TCP on the port."),
            liveness: probe.optional().describe("Default: TCP on the port."),
            startup: probe.optional().describe("Default: TCP on the port, up to 5 minutes."),
        })
        .default({})
        .describe("Health checks of `service` and `stateful` applications."),
    autoscaling: z
        .strictObject({
            minReplicas: int(1, 1000).optional().describe("Default: replicas."),
            maxReplicas: int(1, 1000).optional().describe("Default: 3 × minReplicas."),
            cpuUtilization: int(1, 100).default(70).describe("Target average CPU, percent of requests."),
            memoryUtilization: int(1, 100).default(80).describe("Target average memory, percent of requests."),
        })
        .prefault({})
        .describe("HorizontalPodAutoscaler of a `service` (always on)."),
    rollout: z
        .strictObject({
            maxSurge: percentOrCount.default("25%").describe("Extra pods during a rollout."),
            maxUnavailable: percentOrCount.default(0).describe("Pods that may be down during a rollout."),
        })
        .prefault({})
        .describe("RollingUpdate of a `service`."),
    service: z
        .strictObject({
            type: oneOf(SERVICE_TYPES).default("ClusterIP").describe("`ClusterIP`, or an internal `nlb` (load balancer controller; `ip` targets with VPC pod addresses, `instance` targets on the overlay)."),
            certificateArn: certificateArn.optional().describe("`nlb`: an ACM certificate: the NLB terminates TLS on 443 (current TLS policy)."),
        })
        .prefault({})
        .describe("The Service of a `service` or `stateful` application (stateful: headless)."),
    ingress: z
        .strictObject({
            host: z.string().regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a host name` }).describe("Host name."),
            path: path.default("/").describe("Path prefix."),
            certificateArn: certificateArn.optional().describe("An ACM certificate of the host: HTTPS listener, HTTP redirected to HTTPS, current TLS policy."),
            plainHttpReason: z.string().trim().min(1).optional().describe("Why this ingress serves plain HTTP (production refuses one without a certificate unless a reason is given)."),
        })
        .optional()
        .describe("An internal ALB Ingress (ip targets) to a `service`."),
    storage: z
        .strictObject({
            sizeGiB: int(1, 16384).describe("Volume size per pod."),
            storageClass: z.string().optional().describe("Default: the platform's default storage class."),
            mountPath: path.describe("Where the volume is mounted."),
        })
        .optional()
        .describe("The volume of each pod of a `stateful` application (required there)."),
    partition: int(0, 1000).default(0).describe("`stateful`: pods with an ordinal below this keep the old version during a rollout (staged rollouts)."),
    job: z
        .strictObject({
            backoffLimit: int(0, 100).default(3).describe("Retries before the job fails."),
            activeDeadlineSeconds: int(1, 604800).default(3600).describe("Longest run of the job."),
            parallelism: int(1, 1000).default(1).describe("Pods running at once."),
            completions: int(1, 10000).default(1).describe("Successful pods to complete the job."),
            ttlSecondsAfterFinished: int(0, 2592000).default(86400).describe("Finished jobs are deleted after this."),
        })
        .prefault({})
        .describe("Settings of a `job` (and each run of a `cronjob`)."),
    cronjob: z
        .strictObject({
            schedule: z.string().regex(/^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|(\S+\s+){4}\S+)$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a cron schedule such as "0 3 * * *"` }).describe("Cron schedule."),
            timeZone: z.string().default("Etc/UTC").describe("Time zone of the schedule."),
            concurrencyPolicy: oneOf(CONCURRENCY_POLICIES).default("Forbid").describe("What happens when a run is due while the last one runs."),
            startingDeadlineSeconds: int(1, 86400).default(300).describe("A run that cannot start within this is skipped."),
            successfulJobsHistoryLimit: int(0, 100).default(3).describe("Finished runs kept."),
            failedJobsHistoryLimit: int(0, 100).default(3).describe("Failed runs kept."),
        })
        .optional()
        .describe("Schedule of a `cronjob` (required there)."),
    serviceAccount: z
        .strictObject({
            automountToken: bool().default(false).describe("Mount the Kubernetes API token (only for applications that call the API)."),
            iamPolicyArns: z.array(policyArn).default([]).describe("Managed IAM policies attached to the application's role (EKS Pod Identity on EC2 nodes, IRSA on Fargate)."),
            iamStatements: z.array(statement).default([]).describe("Inline IAM statements of the application's role (EKS Pod Identity on EC2 nodes, IRSA on Fargate)."),
        })
        .prefault({})
        .describe("The application's service account; an IAM role when it asks for policies or reads secrets: EKS Pod Identity (an association, no annotation) when its pods run on EC2 nodes, IRSA (the role-arn annotation) when a Fargate profile selects them."),
    config: z.record(z.string().regex(/^[-._a-zA-Z0-9]+$/), z.string()).default({}).describe("ConfigMap data, as environment variables."),
    secrets: z
        .array(z.strictObject({
            name: z.string().regex(/^[a-zA-Z0-9][-._a-zA-Z0-9]*$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a file name` }).describe("File name under secretsMountPath."),
            secretsManagerName: secretName.describe("AWS Secrets Manager secret name or ARN."),
        }))
        .default([])
        .describe("Secrets Manager secrets mounted as files (Secrets Store CSI driver), never environment variables."),
    secretsMountPath: path.default("/mnt/secrets").describe("Directory of the secret files."),
    runAs: z
        .strictObject({
            user: int(1, 2147483647).default(65532).describe("The non-root user ID the container runs as (the image's own user when it has files that need it)."),
            group: int(1, 2147483647).default(65532).describe("The group ID (also the group of the pod's volumes)."),
        })
        .prefault({})
        .describe("The container's user: the image's documented non-root user, never root."),
    writablePaths: z
        .array(path)
        .default([])
        .describe("Directories the image writes to besides /tmp (each an emptyDir): the root filesystem is read-only."),
    metrics: z
        .strictObject({ port: port.describe("Metrics port."), path: path.default("/metrics").describe("Metrics path.") })
        .optional()
        .describe("The metrics endpoint: a PodMonitor for Prometheus, and a network policy that lets Prometheus scrape it."),
    priorityClass: z
        .union([
            priorityClassName,
            z.strictObject({
                name: priorityClassName.describe("PriorityClass name."),
                value: int(-1000000, 1000000000).describe("Priority (above 1e9 is reserved for the system)."),
                preemptionPolicy: oneOf(["PreemptLowerPriority", "Never"] as const).default("PreemptLowerPriority").describe("Whether pods preempt lower ones."),
            }),
        ])
        .optional()
        .describe("An existing PriorityClass name, or one to create ({name, value})."),
    dedicatedNode: z
        .strictObject({
            instanceType: z.string().describe("The one EC2 instance type of the application's own Karpenter pool, e.g. \"m6a.2xlarge\"."),
            limits: z.strictObject({ cpu: int(1, 100000).describe("Most vCPUs of the pool."), memoryGiB: int(1, 1000000).describe("Most memory (GiB) of the pool.") }).describe("Capacity limits of the pool."),
        })
        .optional()
        .describe("Run on an own Karpenter node pool (tainted, named after the application); default: the team's pool or the default pool."),
    privileged: refused("privileged containers can take over the node"),
    hostNetwork: refused("pods on the host network bypass network policy and see the node's traffic"),
    hostPID: refused("pods in the host's PID namespace see and signal the node's processes"),
    hostIPC: refused("pods in the host's IPC namespace reach the node's shared memory"),
    runAsRoot: refused("containers run as a non-root user (the restricted Pod Security Standard)"),
});

export type ApplicationSpec = z.output<typeof applicationSchema>;

export const applicationsSchema = z.array(applicationSchema).default([]).describe("Applications of the teams, built the way the platform recommends.");
