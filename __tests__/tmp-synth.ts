import { synthExample } from '/work/wt-complete/__tests__/synth/helpers';
const s = synthExample(process.argv[2], undefined, { hcl: true });
console.log(s.dir);
