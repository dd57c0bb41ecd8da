import { registry } from "@web/core/registry";

/**
 * A technician at the workshop tablet (not signed in): his name, his PIN, his
 * planned job; Start; then again his name and PIN, the job running; Stop.
 */
const NAME = "Piet Plaatwerker";
const PLATE = "TZ-101-B";

function signIn(pin) {
    return [
        {
            content: "Tap your name",
            trigger: `.o_bodyshop_kiosk_employee:contains(${NAME})`,
            run: "click",
        },
        {
            content: "The PIN pad greets you",
            trigger: `.o_bodyshop_kiosk_pin h1:contains(${NAME})`,
        },
        ...Array.from(pin, (digit) => ({
            content: `Tap ${digit}`,
            trigger: `.o_bodyshop_kiosk_digit[data-digit='${digit}']`,
            run: "click",
        })),
        {
            content: "Confirm the PIN",
            trigger: ".o_bodyshop_kiosk_ok:enabled",
            run: "click",
        },
        {
            content: "Your jobs",
            trigger: `.o_bodyshop_kiosk_jobs h1:contains(${NAME})`,
        },
    ];
}

registry.category("web_tour.tours").add("bodyshop_kiosk_tour", {
    steps: () => [
        ...signIn("1234"),
        {
            content: "The planned job, with its operations and no prices",
            trigger: `.o_bodyshop_kiosk_job:contains(${PLATE}):contains(Body Work):contains(Work body)`,
        },
        {
            content: "Start it",
            trigger: `.o_bodyshop_kiosk_job:contains(${PLATE}) .o_bodyshop_kiosk_start`,
            run: "click",
        },
        {
            content: "Started",
            trigger: `.o_bodyshop_kiosk_confirm:contains(Started: ${PLATE})`,
        },
        {
            content: "Back to the names",
            trigger: `.o_bodyshop_kiosk_employee:contains(${NAME})`,
        },
        ...signIn("1234"),
        {
            content: "The job runs",
            trigger: `.o_bodyshop_kiosk_running:contains(${PLATE}):contains(Body Work)`,
        },
        {
            content: "Its card says so",
            trigger: `.o_bodyshop_kiosk_job_running:contains(${PLATE})`,
        },
        {
            content: "Stop: the job is done",
            trigger: ".o_bodyshop_kiosk_running .o_bodyshop_kiosk_stop",
            run: "click",
        },
        {
            content: "Done",
            trigger: `.o_bodyshop_kiosk_confirm:contains(Done: ${PLATE})`,
        },
        {
            content: "Back to the names",
            trigger: ".o_bodyshop_kiosk_select .o_bodyshop_kiosk_employee",
        },
    ],
});
