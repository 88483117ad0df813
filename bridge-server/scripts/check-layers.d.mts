export declare const LAYERS: { name: string; prefixes: string[] }[];
export declare function checkLayers( root: string ): { modules: number; problems: string[] };
