import type * as tfl from '@tensorflow/tfjs-layers';

/** tfjs-layers' base layer arguments (name, trainable, ...), which its index does not export by name. */
export type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
