import { layerProgram } from "../lib/program";
import { layer } from "./layer";

export = layerProgram(layer);
