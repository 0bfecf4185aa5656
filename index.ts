// The root project "platform": the whole environment as one stack, every layer wired in-process.
import { singleStackProgram } from "./lib/program";

export = singleStackProgram();
