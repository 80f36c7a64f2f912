import QtQuick
import QtQuick.Controls
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Settings
import "components"

// The kiosk's one window: header (terminal, steps, language, care mode, help), the current
// screen, footer (Home, Back, countdown: always in the same place), the idle overlay and the
// on-screen keyboard. Every decision is the view model's (session); this file only shows it.
Rectangle {
    id: root
    objectName: "root"
    color: Theme.background

    readonly property var screenFiles: ({
        "attract": "Attract", "language": "Language", "home": "Home", "catalog": "Catalog",
        "service_detail": "ServiceDetail", "identify": "Identify", "form": "Form",
        "capture": "Capture", "review": "Review", "consent": "Consent",
        "submitting": "Submitting", "receipt": "Receipt", "rating": "Rating", "end": "End",
        "status_check": "StatusCheck", "status_result": "StatusResult",
        "result_pickup": "ResultPickup", "pickup_result": "PickupResult",
        "policy_lookup": "PolicyLookup", "policy_results": "PolicyResults",
        "out_of_service": "OutOfService"
    })
    readonly property bool chrome: session.inSession
    // for tests and diagnostics: what the on-screen keyboard is set to
    readonly property string keyboardLocale: InputContext.locale
    readonly property int keyboardMode: InputContext.inputEngine ? InputContext.inputEngine.inputMode : -1

    // reset every text input in the tree (after the journey wiped the session)
    function clearInputs(item) {
        for (let i = 0; i < item.children.length; ++i) {
            const child = item.children[i]
            if (child.hasOwnProperty("preeditText") && typeof child.clear === "function")
                child.clear()
            clearInputs(child)
        }
    }

    Connections {
        target: session
        function onWiped() {
            root.clearInputs(root)
            InputContext.clear()
            const method = InputContext.inputEngine ? InputContext.inputEngine.inputMethod : null
            if (method && typeof method.reset === "function")
                method.reset()
            VirtualKeyboardSettings.userDataReset()  // the Pinyin user dictionary
            root.forceActiveFocus()
        }
    }

    // 繁體: Cangjie (what Hong Kong typists use) rather than the layout's default Zhuyin
    function preferCangjie() {
        const engine = InputContext.inputEngine
        if (!engine || session.keyboardLocale !== "zh_TW")
            return
        if (engine.inputModes.indexOf(InputEngine.InputMode.Cangjie) >= 0
                && engine.inputMode !== InputEngine.InputMode.Cangjie)
            engine.inputMode = InputEngine.InputMode.Cangjie
    }
    Connections {
        target: InputContext.inputEngine
        // after the layout has picked its own default mode
        function onInputModesChanged() { Qt.callLater(root.preferCangjie) }
    }

    Binding {
        // learnt words live in a private directory wiped with every session, never in $HOME
        target: VirtualKeyboardSettings
        property: "userDataPath"
        value: keyboardUserData
    }
    Binding {
        target: VirtualKeyboardSettings
        property: "locale"
        value: session.keyboardLocale
    }
    Binding {
        target: VirtualKeyboardSettings
        property: "activeLocales"
        value: [session.keyboardLocale]
    }

    Header {
        id: header
        anchors { top: parent.top; left: parent.left; right: parent.right }
        visible: root.chrome
        height: root.chrome ? implicitHeight : 0
    }

    Loader {
        id: screen
        objectName: "screenLoader"
        anchors {
            top: header.bottom; left: parent.left; right: parent.right
            bottom: keyboard.active ? keyboard.top : footer.top
            leftMargin: root.chrome ? Theme.margin : 0; rightMargin: root.chrome ? Theme.margin : 0
            topMargin: root.chrome ? Theme.spacing : 0
        }
        source: "screens/" + root.screenFiles[session.screen] + ".qml"
    }

    Footer {
        id: footer
        anchors { bottom: parent.bottom; left: parent.left; right: parent.right }
        visible: root.chrome
        height: root.chrome ? implicitHeight : 0
    }

    IdleOverlay {
        anchors.fill: parent
        visible: session.idleWarning
    }

    // admin mode (kiosk/ui/models/admin.py): the PIN pad, then diagnostics, over everything
    Loader {
        id: adminScreen
        objectName: "adminLoader"
        anchors.fill: parent
        z: 20
        active: admin.mode !== "off"
        source: admin.mode === "pin" ? "components/PinPad.qml"
              : admin.mode === "diagnostics" ? "screens/Diagnostics.qml" : ""
    }

    // the hidden admin entry: a long press in the top-left corner of any screen. A passive
    // handler: taps there still reach whatever lies underneath.
    Item {
        objectName: "adminCorner"
        z: 30
        width: Theme.minTouch; height: Theme.minTouch
        visible: admin.available && admin.mode === "off"
        TapHandler {
            gesturePolicy: TapHandler.DragThreshold
            longPressThreshold: admin.longPressSeconds
            onLongPressed: admin.requestEntry()
        }
    }

    InputPanel {
        id: keyboard
        objectName: "keyboard"
        z: 10
        // landscape: narrower, so that it leaves room for the screen above it
        width: Theme.portrait ? parent.width : Math.min(parent.width, 1100)
        anchors.horizontalCenter: parent.horizontalCenter
        y: active ? footer.y - height : parent.height
        visible: active
    }
}
