// The DOM animation features of Framer Motion in a chunk of their own, loaded by
// components/ui/motion.tsx after the first screen (nothing animates before they arrive).
import { domAnimation } from 'framer-motion';

export default domAnimation;
