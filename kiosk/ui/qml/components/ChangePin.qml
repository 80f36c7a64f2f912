import QtQuick
import QtQuick.Controls

// Change the admin PIN (over the diagnostics screen, modal): the current PIN, then the new one
// twice. Dots only: the digits stay in the view model; the change runs off the GUI thread.
Rectangle {
    id: change
    objectName: "changePin"
    color: Theme.background

    function prompt(stage) {
        return stage === "current" ? qsTr("Enter the current admin PIN")
             : stage === "new" ? qsTr("Enter the new PIN (at least 6 digits, not all the same, not a run)")
             : qsTr("Enter the new PIN again")
    }

    MouseArea {  // modal
        anchors.fill: parent
        onPressed: admin.touch()
    }

    Column {
        anchors.centerIn: parent
        width: Math.min(parent.width - 2 * Theme.margin, Theme.minTouch * 6)
        spacing: Theme.spacing * 2

        KText {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            font.pixelSize: Theme.fontTitle
            text: qsTr("Change the admin PIN")
        }
        KText {
            objectName: "changePinPrompt"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            color: Theme.muted
            text: change.prompt(admin.changeStage)
        }
        Row {
            objectName: "changePinDots"
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: Theme.spacing
            height: Theme.fontTitle
            Repeater {
                model: admin.changeLength
                Rectangle {
                    width: Theme.fontBody; height: width; radius: width / 2
                    color: Theme.text
                }
            }
        }
        KText {
            objectName: "changePinMessage"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            color: Theme.error
            visible: text !== ""
            text: admin.changeBusy ? "" : admin.changeMessage
        }
        KText {
            objectName: "changePinChecking"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            visible: admin.changeBusy
            text: qsTr("Checking…")
        }
        Grid {
            anchors.horizontalCenter: parent.horizontalCenter
            columns: 3
            spacing: Theme.spacing
            Repeater {
                model: ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
                BigButton {
                    objectName: "changeKey_" + modelData
                    width: Theme.minTouch * 1.6
                    text: modelData
                    enabled: !admin.changeBusy
                    onClicked: admin.changeDigit(modelData)
                }
            }
            BigButton {
                objectName: "changeBackspace"
                width: Theme.minTouch * 1.6
                text: "⌫"
                enabled: !admin.changeBusy && admin.changeLength > 0
                onClicked: admin.changeBackspace()
            }
            BigButton {
                objectName: "changeKey_0"
                width: Theme.minTouch * 1.6
                text: "0"
                enabled: !admin.changeBusy
                onClicked: admin.changeDigit("0")
            }
            BigButton {
                objectName: "changeOk"
                width: Theme.minTouch * 1.6
                primary: true
                text: qsTr("OK")
                enabled: !admin.changeBusy && admin.changeLength > 0
                onClicked: admin.changeNext()
            }
        }
        BigButton {
            objectName: "changeCancel"
            anchors.horizontalCenter: parent.horizontalCenter
            text: qsTr("Cancel")
            enabled: !admin.changeBusy
            onClicked: admin.cancelChangePin()
        }
    }
}
