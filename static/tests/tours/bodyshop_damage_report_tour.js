import {registry} from "@web/core/registry";

/**
 * A customer, not signed in, reports damage on his phone with two photos.
 */

/** A valid PNG of one pixel, as a file a phone camera would give. */
function onePixelPng(name) {
    const base64 =
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";
    const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
    return new File([bytes], name, {type: "image/png", lastModified: Date.now()});
}

registry.category("web_tour.tours").add("bodyshop_damage_report_tour", {
    steps: () => [
        {
            content: "The form opens",
            trigger: ".o_bodyshop_damage_report_form",
        },
        {
            content: "Your name",
            trigger: "input[name=name]",
            run: "edit Tina Telefoon",
        },
        {
            content: "Your e-mail",
            trigger: "input[name=email]",
            run: "edit tina@example.com",
        },
        {
            content: "Your phone",
            trigger: "input[name=phone]",
            run: "edit 0612345678",
        },
        {
            content: "The plate of your car",
            trigger: "input[name=license_plate]",
            run: "edit gz-412-k",
        },
        {
            content: "What happened",
            trigger: "textarea[name=damage_description]",
            run: "edit Deuk in het rechter achterportier",
        },
        {
            content: "Take two photos",
            trigger: "input[name=photos]",
            run() {
                const transfer = new DataTransfer();
                transfer.items.add(onePixelPng("damage-close.png"));
                transfer.items.add(onePixelPng("damage-car.png"));
                this.anchor.files = transfer.files;
                this.anchor.dispatchEvent(new Event("change", {bubbles: true}));
            },
        },
        {
            content: "Two photos are chosen",
            trigger: "input[name=photos]",
            run() {
                if (this.anchor.files.length !== 2) {
                    throw new Error(`${this.anchor.files.length} photos chosen, not 2`);
                }
            },
        },
        {
            content: "Agree to the privacy terms",
            trigger: "input[name=consent]",
            run: "check",
        },
        {
            content: "Send the report",
            trigger: ".o_bodyshop_damage_report_submit",
            run: "click",
        },
        {
            content: "The report is received",
            trigger: ".o_bodyshop_damage_report_done strong:contains(SD)",
        },
    ],
});
