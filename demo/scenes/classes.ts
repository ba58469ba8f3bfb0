// Fashion-MNIST class names in label order (label k → model output k → label-map value k+1).
export const FASHION_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
  'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
] as const;

export const NUM_CLASSES = FASHION_CLASSES.length;
