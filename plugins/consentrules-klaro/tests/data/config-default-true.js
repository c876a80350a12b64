// A Klaro config whose global default is true: Klaro starts every service consented unless
// the service says otherwise, and `default: false` alone does not say otherwise (Klaro
// computes `service.default || service.required`, which is undefined here, and falls back to
// the config's default).
var klaroConfig = {
  default: true,
  services: [
    {name: 'plausible', purposes: ['analytics'], default: false},
    {name: 'newsletter-pixel', purposes: ['marketing'], default: false, required: false},
    {name: 'ab-tests', purposes: ['experiments']},
  ],
};
